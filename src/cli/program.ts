import { Command } from "commander";
import { addAuditCommands } from "./audit-command";
import type { CliContext } from "./context";
import { addDbCommands } from "./db-command";
import { type ExitCode, failure } from "./exit";
import { addKeysCommands } from "./keys-command";
import { println } from "./output";
import { addSessionsCommands } from "./sessions-command";
import { addUsersCommands } from "./users-command";

const AFTER_HELP = `
Run as \`auth-server <command>\` (the package's bin) or \`npm run cli -- <command>\`, with the
servers' environment (DATABASE_URL, KEY_ENCRYPTION_KEY, JWT_*...): it opens the same core, never
over HTTP. Secrets come only from stdin or the environment, never from arguments.

Exit codes: 0 done; 1 refused or failed; 2 wrong usage, or an embedded (PGlite) database that a
running server holds.`;

/**
 * The whole command line, parsed before anything is opened: a usage error never reads the
 * configuration or touches the database. Settings given here are inherited by every subcommand.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("auth-server")
    .description("Operator commands for the GraphQL auth server.")
    .usage("<command> [options]")
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr })
    .showHelpAfterError()
    .addHelpText("after", AFTER_HELP);
  addUsersCommands(program, ctx);
  addSessionsCommands(program, ctx);
  addKeysCommands(program, ctx);
  addDbCommands(program, ctx);
  addAuditCommands(program, ctx);
  return program;
}

/** Runs one command line to its exit code; failures are told on stderr in one line. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    const { code, line } = failure(error);
    if (line) println(ctx.io.stderr, line);
    return code;
  }
}
