import argon2 from "argon2";
import type { ConcurrencyLimit } from "./concurrency-limit";
import type { PasswordHasher } from "./ports";

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for argon2id. */
export const OWASP_ARGON2_PARAMS: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

// PHC string: $argon2id$v=19$m=19456,p=1,t=2$salt$hash (parameter order varies by library).
const ENCODED = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([a-z]=\d+(?:,[a-z]=\d+)*)\$/;

export class Argon2Hasher implements PasswordHasher {
  private dummyHash: Promise<string> | null = null;
  private readonly secret: { secret: Buffer } | Record<string, never>;

  /**
   * `pepper` is argon2's keyed-hash secret: a database leak alone then cannot be cracked offline.
   * Changing it makes every existing hash unverifiable, so it cannot simply be rotated.
   * `slots` bounds the hashes and verifies running at once (none: libuv's pool bounds them).
   * Each holds `memoryCost` KiB (19 MiB) while it runs, and one per core already keeps every core busy:
   * more only add memory and take the pool's threads from file and DNS work.
   */
  constructor(
    private readonly params: Argon2Params = OWASP_ARGON2_PARAMS,
    pepper?: Buffer,
    private readonly slots: ConcurrencyLimit | null = null,
  ) {
    this.secret = pepper ? { secret: pepper } : {};
  }

  hash(password: string): Promise<string> {
    return this.bounded(() => argon2.hash(password, { type: argon2.argon2id, ...this.params, ...this.secret }));
  }

  /**
   * A hash made with weaker parameters than today's verifies faster than the dummy an unknown
   * email pays for, which would tell "this account exists" by timing. So such a verify also runs
   * the dummy, concurrently: the answer comes after the slower of the two, the unknown-email cost.
   */
  async verify(hash: string, password: string): Promise<boolean> {
    if (!this.needsRehash(hash)) return this.verifyStored(hash, password);
    const [verified] = await Promise.all([this.verifyStored(hash, password), this.verifyDummy(password)]);
    return verified;
  }

  private async verifyStored(hash: string, password: string): Promise<boolean> {
    try {
      return await this.bounded(() => argon2.verify(hash, password, this.secret));
    } catch {
      // A stored hash argon2 cannot parse is a data problem, never a successful login.
      return false;
    }
  }

  async verifyDummy(password: string): Promise<void> {
    // Same parameters as real hashes so an unknown email costs exactly one real verify.
    this.dummyHash ??= this.hash("dummy-password-for-constant-time-login");
    const dummy = await this.dummyHash;
    await this.bounded(() => argon2.verify(dummy, password, this.secret));
  }

  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return this.slots ? this.slots.run(work) : work();
  }

  /** True when the stored hash is weaker than today's settings (older variant, less memory or time). */
  needsRehash(hash: string): boolean {
    const match = ENCODED.exec(hash);
    if (!match) return true;
    const [, variant, version, list = ""] = match;
    const params = new Map(list.split(",").map((kv) => [kv[0], Number(kv.slice(2))] as const));
    return (
      variant !== "argon2id" ||
      Number(version) < 0x13 ||
      (params.get("m") ?? 0) < this.params.memoryCost ||
      (params.get("t") ?? 0) < this.params.timeCost
    );
  }
}
