import { createTokenVerifier, type TokenVerifierOptions } from "../../src/verifier";
import { startJwksServer, type JwksServer } from "../support/jwks-server";
import { AUDIENCE, ISSUER, type TestSigningKey } from "../support/signing-keys";

/** A pinned clock (ms since the epoch) the verifier reads and tests move. */
export class TestClock {
  constructor(public ms = Date.UTC(2030, 0, 1)) {}
  seconds = () => Math.floor(this.ms / 1000);
  now = () => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface VerifierFixture {
  server: JwksServer;
  clock: TestClock;
  errors: unknown[];
  verifier: ReturnType<typeof createTokenVerifier>;
  /** `verify("Bearer <token>")`. */
  check(token: string): ReturnType<ReturnType<typeof createTokenVerifier>["verify"]>;
}

/** A verifier over a real JWKS server publishing `keys`, on a pinned clock; errors are collected. */
export async function verifierFixture(
  keys: TestSigningKey[],
  options: Partial<TokenVerifierOptions> | ((server: JwksServer) => Partial<TokenVerifierOptions>) = {},
  maxAge = 600,
): Promise<VerifierFixture> {
  const server = await startJwksServer(keys.map((k) => k.jwk), maxAge);
  const clock = new TestClock();
  const errors: unknown[] = [];
  const verifier = createTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl: server.jwksUrl,
    now: clock.now,
    onError: (error) => errors.push(error),
    ...(typeof options === "function" ? options(server) : options),
  });
  return { server, clock, errors, verifier, check: (token) => verifier.verify(`Bearer ${token}`) };
}

/** The result as `{ ok, reason, outage }` for terse expectations. */
export function outcome(result: Awaited<ReturnType<VerifierFixture["check"]>>) {
  if (result.viewer) return { ok: true as const, user: result.viewer.user, sessionId: result.viewer.sessionId };
  return { ok: false as const, reason: result.authFailure, outage: (result.authError as { code?: string } | null)?.code ?? null };
}
