import argon2 from "argon2";
import type { PasswordHasher } from "./ports";

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for argon2id. */
export const OWASP_ARGON2_PARAMS: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export class Argon2Hasher implements PasswordHasher {
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly params: Argon2Params = OWASP_ARGON2_PARAMS) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A stored hash argon2 cannot parse is a data problem, never a successful login.
      return false;
    }
  }

  async verifyDummy(password: string): Promise<void> {
    // Same parameters as real hashes so an unknown email costs exactly one real verify.
    this.dummyHash ??= this.hash("dummy-password-for-constant-time-login");
    await argon2.verify(await this.dummyHash, password);
  }
}
