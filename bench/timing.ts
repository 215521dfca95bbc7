import argon2 from "argon2";
import { OWASP_ARGON2_PARAMS } from "../src/auth";
import { gql, latency, percentile } from "./measure";

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;

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
 * Account enumeration by timing: unknown email vs known email with a wrong password, alternated
 * so drift affects both equally. Also compares a whole login with one bare argon2 verify.
 */
export async function timingBench(url: string, samples = 60) {
  await gql(url, `mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`, {
    i: { email: "timing@example.com", password: "timing password 1" },
  });
  const unknown: number[] = [];
  const known: number[] = [];
  let n = 0;
  for (let i = 0; i < samples; i++) {
    // Each unknown email is new, so no cache anywhere can make it cheaper.
    unknown.push(...(await latency(() => failedLogin(url, `nobody-${n++}@example.com`), 1, i === 0 ? 3 : 0)));
    known.push(...(await latency(() => failedLogin(url, "timing@example.com"), 1, i === 0 ? 3 : 0)));
  }
  const hash = await argon2.hash("timing password 1", { type: argon2.argon2id, ...OWASP_ARGON2_PARAMS });
  const bare = await latency(() => argon2.verify(hash, "not the password"), samples);
  const unknownP50 = percentile(unknown, 50);
  const knownP50 = percentile(known, 50);
  return {
    "unknown email p50 ms": round(unknownP50),
    "known email, wrong password p50 ms": round(knownP50),
    "difference %": round((Math.abs(unknownP50 - knownP50) / Math.min(unknownP50, knownP50)) * 100),
    "bare argon2 verify p50 ms": round(percentile(bare, 50)),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
