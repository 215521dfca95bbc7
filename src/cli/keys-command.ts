import type { Command } from "commander";
import type { SigningKeyView } from "../auth";
import type { Core } from "../core";
import { CLI_ACTOR, type CliContext, withCore } from "./context";
import { type CliIo, printJson, println, table } from "./output";

export type KeysCommand = { action: "list"; json: boolean } | { action: "rotate" } | { action: "revoke"; kid: string };

/** `keys list | rotate | revoke <kid>`: the admin GraphQL operations, for operators without an ADMIN token. */
export function addKeysCommands(program: Command, ctx: CliContext): void {
  const keys = program.command("keys").description("the signing keys of access tokens (ES256/RS256 keys kept in the database)");
  const run = (command: KeysCommand) => withCore(ctx, (core) => runKeysCommand(core, command, ctx.io));
  keys
    .command("list")
    .description("list the published and revoked keys")
    .option("--json", "print a JSON array")
    .action((opts: { json?: boolean }) => run({ action: "list", json: opts.json === true }));
  keys
    .command("rotate")
    .description("let the NEXT key sign (refused until it has been published for JWKS_MAX_AGE)")
    .action(() => run({ action: "rotate" }));
  keys
    .command("revoke")
    .description("revoke a key now: its tokens are refused at once (compromise)")
    .argument("<kid>", "the key's kid (see keys list)")
    .action((kid: string) => run({ action: "revoke", kid }));
}

export async function runKeysCommand(core: Core, command: KeysCommand, io: CliIo): Promise<void> {
  const keys = core.auth.keys;
  const out = (line: string) => println(io.stdout, line);
  if (command.action === "list") {
    const list = await keys.list();
    if (command.json) printJson(io.stdout, list);
    else if (list.length === 0) out(`No published keys: access tokens are ${keys.algorithm}, signed with JWT_SECRET, which is never listed.`);
    else table(["STATE", "ALG", "KID", "CREATED", ""], list.map(row)).forEach(out);
  } else if (command.action === "rotate") {
    const key = await keys.rotate(CLI_ACTOR);
    out(`Rotated: ${key.kid} (${key.algorithm}) now signs; the previous key stays published until its tokens have expired.`);
  } else {
    const revoked = await keys.revoke(command.kid, CLI_ACTOR);
    out(revoked ? `Revoked ${command.kid}: its tokens are refused from now on.` : `${command.kid} was already revoked.`);
  }
}

function row(key: SigningKeyView): string[] {
  return [key.state, key.algorithm, key.kid, key.createdAt.toISOString(), note(key)];
}

function note(key: SigningKeyView): string {
  if (key.promotableAt) return `may sign from ${key.promotableAt.toISOString()}`;
  if (key.retiresAt) return `retires ${key.retiresAt.toISOString()}`;
  if (key.revokedAt) return `revoked ${key.revokedAt.toISOString()}`;
  if (key.activatedAt) return `signing since ${key.activatedAt.toISOString()}`;
  return "";
}
