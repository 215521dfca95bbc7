import { createSecretKey, type KeyObject, randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import jwt from "jsonwebtoken";
import { AccessTokenService, generateSigningKey, KeyRing, SIGNING_ALGORITHMS, type SigningAlgorithm, systemClock } from "../src/auth";
import { median } from "./measure";

const ROUNDS = 6;
const BATCH_MS = 30;
const WARMUP_MS = 100;
const SETTINGS = { issuer: "bench-issuer", audience: "bench-audience", ttlSeconds: 900, clockToleranceSeconds: 5 };
const SUBJECT = { userId: randomUUID(), role: "USER" as const, sessionId: randomUUID(), credentialVersion: 0, emailVerified: false };

interface Keys {
  algorithm: SigningAlgorithm;
  kid: string;
  signing: KeyObject;
  verifying: KeyObject;
  /** The same keys as strings (PEM; the secret's text for HS256), converted by jsonwebtoken on every call. */
  signingText: string;
  verifyingText: string;
}

type Op = "sign" | "verify" | "serviceVerify" | "textSignVerify";
export type MicroResult = Record<SigningAlgorithm, Record<Op, number>>;

/**
 * jsonwebtoken sign and verify per operation for each algorithm, with KeyObjects created once (as
 * the server does), and the same token shape and verify options as production: the header carries
 * `typ` and `kid`, verification pins the algorithm, issuer and audience. `serviceVerify` is the
 * server's whole check of a token it has verified before (AccessTokenService: the verified-token cache, expiry and key re-checked); `textSignVerify`
 * passes PEM strings instead, what a naive setup pays per call. Time-boxed batches, algorithms and
 * operations interleaved over rounds; the median CPU µs/op is reported.
 */
export async function jwtMicros(): Promise<MicroResult> {
  const keys = await Promise.all(SIGNING_ALGORITHMS.map(keysFor));
  const ops = keys.map((k) => ({ algorithm: k.algorithm, run: operations(k) }));
  for (const { run } of ops) for (const op of Object.values(run)) timeBatch(op, WARMUP_MS);
  const samples = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no algorithm always runs first after a pause.
    const order = ops.map((_, i) => ops[(i + round) % ops.length]);
    for (const entry of order) {
      if (!entry) continue;
      for (const [name, op] of Object.entries(entry.run)) {
        const key = `${entry.algorithm}/${name}`;
        samples.set(key, [...(samples.get(key) ?? []), timeBatch(op, BATCH_MS)]);
      }
    }
  }
  const result = {} as MicroResult;
  for (const { algorithm, run } of ops) {
    const names = Object.keys(run) as Op[];
    result[algorithm] = Object.fromEntries(names.map((name) => [name, median(samples.get(`${algorithm}/${name}`) ?? [])])) as Record<Op, number>;
  }
  return result;
}

function operations(k: Keys): Record<Op, () => unknown> {
  const service = serviceFor(k);
  const signWith = (key: KeyObject | string) => {
    const iat = Math.floor(Date.now() / 1000);
    const payload = { sub: SUBJECT.userId, sid: SUBJECT.sessionId, role: "USER", cv: 0, jti: randomUUID(), iat, exp: iat + 900, iss: SETTINGS.issuer, aud: SETTINGS.audience };
    return jwt.sign(payload, key, { algorithm: k.algorithm, header: { alg: k.algorithm, typ: "at+jwt", kid: k.kid } });
  };
  const verifyWith = (token: string, key: KeyObject | string) =>
    jwt.verify(token, key, { algorithms: [k.algorithm], issuer: SETTINGS.issuer, audience: SETTINGS.audience, clockTolerance: 5, complete: true });
  const token = signWith(k.signing);
  const issued = service.issue(SUBJECT).token;
  return {
    sign: () => signWith(k.signing),
    verify: () => verifyWith(token, k.verifying),
    serviceVerify: () => service.verify(issued),
    textSignVerify: () => verifyWith(signWith(k.signingText), k.verifyingText),
  };
}

function serviceFor(k: Keys): AccessTokenService {
  const ring = new KeyRing();
  ring.replace({
    signer: { kid: k.kid, algorithm: k.algorithm, key: k.signing },
    verifiers: [{ kid: k.kid, algorithm: k.algorithm, key: k.verifying }],
    published: [],
  });
  return new AccessTokenService(SETTINGS, ring, systemClock, randomUUID);
}

async function keysFor(algorithm: SigningAlgorithm): Promise<Keys> {
  if (algorithm === "HS256") {
    const secret = randomBytes(48).toString("base64url");
    const key = createSecretKey(Buffer.from(secret, "utf8"));
    return { algorithm, kid: "hs", signing: key, verifying: key, signingText: secret, verifyingText: secret };
  }
  const pair = await generateSigningKey(algorithm);
  const pem = (key: KeyObject, type: "pkcs8" | "spki") => String(key.export({ format: "pem", type }));
  return {
    algorithm,
    kid: pair.kid,
    signing: pair.privateKey,
    verifying: pair.publicKey,
    signingText: pem(pair.privateKey, "pkcs8"),
    verifyingText: pem(pair.publicKey, "spki"),
  };
}

/**
 * Runs `op` for about `ms` milliseconds of wall time; µs of this process's CPU time (user +
 * system, GC included) per call. CPU time, unlike wall time, does not count the moments another
 * process on the shared machine held the core.
 */
function timeBatch(op: () => unknown, ms: number): number {
  let calls = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  do {
    op();
    calls++;
  } while (performance.now() - start < ms);
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / calls;
}
