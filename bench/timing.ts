import argon2 from "argon2";
import { OWASP_ARGON2_PARAMS } from "../src/auth";
import { gql, latency, percentile } from "./measure";

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const SIGNUP = `mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`;

/** argon2 parameters of a server from before a parameter raise: the bench's legacy account. */
export const LEGACY_ARGON2_ENV = { ARGON2_MEMORY_COST: "8192", ARGON2_TIME_COST: "1" };
export const LEGACY_EMAIL = "legacy@example.com";

/** Creates the legacy account on a server still running the old (weaker) parameters. */
export async function seedLegacyAccount(url: string): Promise<void> {
  await gql(url, SIGNUP, { i: { email: LEGACY_EMAIL, password: "old parchment 1" } });
}

/** Sends a login expected to fail with INVALID_CREDENTIALS; any other outcome aborts the bench. */
async function failedLogin(url: string, email: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: LOGIN, variables: { i: { email, password: "not the password" } } }),
  });
  const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  const code = body.errors?.[0]?.extensions?.code;
  if (code !== "INVALID_CREDENTIALS") throw new Error(`expected INVALID_CREDENTIALS, got ${code}`);
}

/**
 * Account enumeration by timing: unknown email vs known email with a wrong password, for an
 * account hashed at the current parameters and for one hashed before they were raised (a wrong
 * password never rehashes, so it stays legacy). Alternated so drift affects all equally. Also
 * compares a whole login with one bare argon2 verify.
 */
export async function timingBench(url: string, samples = 60) {
  await gql(url, SIGNUP, { i: { email: "timing@example.com", password: "steady metronome 1" } });
  const unknown: number[] = [];
  const known: number[] = [];
  const legacy: number[] = [];
  let n = 0;
  for (let i = 0; i < samples; i++) {
    const warmup = i === 0 ? 3 : 0;
    // Each unknown email is new, so no cache anywhere can make it cheaper.
    unknown.push(...(await latency(() => failedLogin(url, `nobody-${n++}@example.com`), 1, warmup)));
    known.push(...(await latency(() => failedLogin(url, "timing@example.com"), 1, warmup)));
    legacy.push(...(await latency(() => failedLogin(url, LEGACY_EMAIL), 1, warmup)));
  }
  const hash = await argon2.hash("steady metronome 1", { type: argon2.argon2id, ...OWASP_ARGON2_PARAMS });
  const bare = await latency(() => argon2.verify(hash, "not the password"), samples);
  const unknownP50 = percentile(unknown, 50);
  const knownP50 = percentile(known, 50);
  const legacyP50 = percentile(legacy, 50);
  return {
    "unknown email p50 ms": round(unknownP50),
    "wrong password p50 ms": round(knownP50),
    "difference %": apart(unknownP50, knownP50),
    "wrong password, pre-raise hash p50 ms": round(legacyP50),
    "difference (pre-raise) %": apart(unknownP50, legacyP50),
    "bare argon2 verify p50 ms": round(percentile(bare, 50)),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
const apart = (a: number, b: number) => round((Math.abs(a - b) / Math.min(a, b)) * 100);
