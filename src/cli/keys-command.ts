import type { Core } from "../core";
import type { KeyActor, SigningKeyView } from "../auth";

export const KEYS_USAGE = "usage: npm run cli -- keys list [--json] | keys rotate | keys revoke <kid>";

/** The CLI acts as itself in the audit trail (no user, no address). */
const CLI_ACTOR: KeyActor = { userId: null, client: { ip: null, userAgent: "cli", requestId: null } };

export interface CommandOutput {
  out(line: string): void;
}

/**
 * `keys list | rotate | revoke <kid>`: the admin GraphQL operations on the same core, for
 * operators without an ADMIN token. Returns the exit code.
 */
export async function runKeysCommand(core: Core, args: readonly string[], io: CommandOutput): Promise<number> {
  const [action, ...rest] = args;
  const keys = core.auth.keys;
  if (action === "list" && (rest.length === 0 || (rest.length === 1 && rest[0] === "--json"))) {
    const list = await keys.list();
    if (rest[0] === "--json") io.out(JSON.stringify(list, null, 2));
    else if (list.length === 0) io.out(`No published keys: access tokens are ${keys.algorithm}, signed with JWT_SECRET, which is never listed.`);
    else for (const line of table(list)) io.out(line);
    return 0;
  }
  if (action === "rotate" && rest.length === 0) {
    const key = await keys.rotate(CLI_ACTOR);
    io.out(`Rotated: ${key.kid} (${key.algorithm}) now signs; the previous key stays published until its tokens have expired.`);
    return 0;
  }
  if (action === "revoke" && rest.length === 1 && rest[0]) {
    const revoked = await keys.revoke(rest[0], CLI_ACTOR);
    io.out(revoked ? `Revoked ${rest[0]}: its tokens are refused from now on.` : `${rest[0]} was already revoked.`);
    return 0;
  }
  io.out(KEYS_USAGE);
  return 2;
}

function table(keys: readonly SigningKeyView[]): string[] {
  const rows = keys.map((key) => [key.state, key.algorithm, key.kid, key.createdAt.toISOString(), note(key)]);
  const header = ["STATE", "ALG", "KID", "CREATED", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  return [header, ...rows].map((row) => row.map((cell, i) => (cell ?? "").padEnd(widths[i] ?? 0)).join("  ").trimEnd());
}

function note(key: SigningKeyView): string {
  if (key.promotableAt) return `may sign from ${key.promotableAt.toISOString()}`;
  if (key.retiresAt) return `retires ${key.retiresAt.toISOString()}`;
  if (key.revokedAt) return `revoked ${key.revokedAt.toISOString()}`;
  if (key.activatedAt) return `signing since ${key.activatedAt.toISOString()}`;
  return "";
}
