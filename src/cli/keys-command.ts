import type { Core } from "../core";
import type { KeyActor, SigningKeyView } from "../auth";

export const KEYS_USAGE = "usage: npm run cli -- keys list [--json] | keys rotate | keys revoke <kid>";

/** The CLI acts as itself in the audit trail (no user, no address). */
const CLI_ACTOR: KeyActor = { userId: null, client: { ip: null, userAgent: "cli", requestId: null } };

export interface CommandOutput {
  out(line: string): void;
}

export type KeysCommand = { action: "list"; json: boolean } | { action: "rotate" } | { action: "revoke"; kid: string };

/** Null for anything else: usage errors are told before the database is opened. */
export function parseKeysCommand(args: readonly string[]): KeysCommand | null {
  const [action, ...rest] = args;
  if (action === "list" && rest.length === 0) return { action, json: false };
  if (action === "list" && rest.length === 1 && rest[0] === "--json") return { action, json: true };
  if (action === "rotate" && rest.length === 0) return { action };
  if (action === "revoke" && rest.length === 1 && rest[0]) return { action, kid: rest[0] };
  return null;
}

/**
 * `keys list | rotate | revoke <kid>`: the admin GraphQL operations on the same core, for
 * operators without an ADMIN token.
 */
export async function runKeysCommand(core: Core, command: KeysCommand, io: CommandOutput): Promise<void> {
  const keys = core.auth.keys;
  if (command.action === "list") {
    const list = await keys.list();
    if (command.json) io.out(JSON.stringify(list, null, 2));
    else if (list.length === 0) io.out(`No published keys: access tokens are ${keys.algorithm}, signed with JWT_SECRET, which is never listed.`);
    else for (const line of table(list)) io.out(line);
  } else if (command.action === "rotate") {
    const key = await keys.rotate(CLI_ACTOR);
    io.out(`Rotated: ${key.kid} (${key.algorithm}) now signs; the previous key stays published until its tokens have expired.`);
  } else {
    const revoked = await keys.revoke(command.kid, CLI_ACTOR);
    io.out(revoked ? `Revoked ${command.kid}: its tokens are refused from now on.` : `${command.kid} was already revoked.`);
  }
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
