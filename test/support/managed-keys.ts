import type { AsymmetricAlgorithm, Auth, KeyActor, PublicJwk, SigningKeyStore } from "../../src/auth";
import type { EventTransport } from "../../src/events";
import { authFixture, CLIENT } from "./auth-fixture";
import { MemorySigningKeyStore } from "./memory-stores";

export const KEK = Buffer.alloc(32, 7);
export const JWKS_MAX_AGE_MS = 600_000;
/** keyTiming for JWKS_MAX_AGE 600 s: the max age plus the 30 s reload interval and the 5 s clock tolerance. */
export const PROMOTION_DELAY_MS = 635_000;
/** The fixture's 900 s tokens + JWKS_MAX_AGE + 5 s clock tolerance + the 30 s reload interval. */
export const PREVIOUS_RETENTION_MS = 1_535_000;

export const ADMIN_ACTOR: KeyActor = { userId: "11111111-1111-4111-8111-111111111111", client: CLIENT };

export interface ManagedOptions<S extends SigningKeyStore> {
  store?: S;
  kek?: Buffer;
  rotationMs?: number | null;
  transport?: EventTransport;
  /** Another instance's clock and stores (see authFixture). */
  shared?: Pick<ReturnType<typeof authFixture>, "clock" | "stores">;
}

/** An auth core whose signing keys live in `store` (a new in-memory one by default), started. */
export async function managedAuth<S extends SigningKeyStore = MemorySigningKeyStore>(algorithm: AsymmetricAlgorithm, options: ManagedOptions<S> = {}) {
  const fx = managedAuthUnstarted(algorithm, options);
  await fx.auth.keys.start();
  return fx;
}

export function managedAuthUnstarted<S extends SigningKeyStore = MemorySigningKeyStore>(algorithm: AsymmetricAlgorithm, options: ManagedOptions<S> = {}) {
  const store = (options.store ?? new MemorySigningKeyStore()) as S;
  const fx = authFixture({
    signingKeys: { kind: "managed", algorithm, store, keyEncryptionKey: options.kek ?? KEK, rotationMs: options.rotationMs ?? null },
    jwksMaxAgeMs: JWKS_MAX_AGE_MS,
    transport: options.transport,
    clock: options.shared?.clock,
    stores: options.shared?.stores,
  });
  return { ...fx, store };
}

export function headerOf(token: string): { alg?: string; kid?: string; typ?: string } {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as { alg?: string; kid?: string; typ?: string };
}

export function kidOf(token: string): string {
  const kid = headerOf(token).kid;
  if (!kid) throw new Error("token without kid");
  return kid;
}

export function publishedKeys(auth: Pick<Auth, "keys">): PublicJwk[] {
  return (JSON.parse(auth.keys.jwks().body) as { keys: PublicJwk[] }).keys;
}

/** Why a token is refused, or "accepted" when it resolves to a viewer. */
export async function verdict(auth: Pick<Auth, "viewers">, token: string): Promise<string> {
  const state = await auth.viewers.resolve(`Bearer ${token}`);
  return state.viewer ? "accepted" : state.reason;
}

/** kid → state, as stored. */
export async function statesIn(store: SigningKeyStore): Promise<Record<string, string>> {
  return Object.fromEntries((await store.list()).map((key) => [key.kid, key.state]));
}
