import type { AuthDeps } from "./deps";
import type { UserWithPassword } from "./types";

export type PasswordCheck =
  | { ok: true; user: UserWithPassword }
  | { ok: false; user: UserWithPassword | null };

/**
 * Verifies `password` for the account with this (normalized) email: login and changePassword's
 * current-password check. An unknown email pays for one argon2 verify too (against a dummy hash),
 * so neither the answer nor its timing tells whether the account exists.
 */
export async function checkPassword(deps: Pick<AuthDeps, "users" | "hasher">, email: string, password: string): Promise<PasswordCheck> {
  const user = await deps.users.findByEmail(email);
  if (!user) {
    await deps.hasher.verifyDummy(password);
    return { ok: false, user: null };
  }
  return (await deps.hasher.verify(user.passwordHash, password)) ? { ok: true, user } : { ok: false, user };
}
