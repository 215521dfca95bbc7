import { CommanderError } from "commander";
import { isAuthError } from "../auth";
import { ConfigError } from "../config";
import { DataDirInUseError } from "../db";

/** The CLI's exit codes: scripts branch on these, so they never change meaning. */
export const EXIT = {
  ok: 0,
  /** Refused by the core (bad input, unknown user, too early) or failed (database, bug). */
  failed: 1,
  /** Wrong command line, or an embedded database another process holds: nothing was attempted. */
  usage: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A refusal the CLI itself decides (e.g. no such user), told like the core's. */
export class CliRefusal extends Error {
  override readonly name = "CliRefusal";
}

/** Thrown by a command that has printed its whole answer and only has an exit code left to give. */
export class CliExit extends Error {
  override readonly name = "CliExit";
  constructor(readonly code: ExitCode) {
    super(`exit ${code}`);
  }
}

/** The exit code for what a command threw, and the one line to print (null: already printed). */
export function failure(error: unknown): { code: ExitCode; line: string | null } {
  // Commander has printed the error and the usage (or the help) already.
  if (error instanceof CommanderError) return { code: error.exitCode === 0 ? EXIT.ok : EXIT.usage, line: null };
  if (error instanceof CliExit) return { code: error.code, line: null };
  if (error instanceof DataDirInUseError) {
    // Nothing was attempted: the same command works once the server is stopped.
    return { code: EXIT.usage, line: `${error.message} The running server owns the embedded database: stop it first, or use its admin GraphQL API.` };
  }
  if (error instanceof ConfigError) return { code: EXIT.failed, line: `Invalid configuration: ${error.message}` };
  if (error instanceof CliRefusal) return { code: EXIT.failed, line: `Refused: ${error.message}` };
  if (isAuthError(error)) {
    return { code: EXIT.failed, line: `Refused: ${error.message}${error.retryAfter !== undefined ? ` (retry in ${error.retryAfter} s)` : ""}` };
  }
  return { code: EXIT.failed, line: `Failed: ${firstLine(error)}` };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0] ?? "";
}
