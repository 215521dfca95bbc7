import type { Actor } from "../auth";
import type { Core, Module } from "../core";
import type { CliIo } from "./output";

/**
 * What commands reach outside the command line through. Nothing here runs while parsing: the
 * configuration is read and the database opened only once a command line is known to be valid.
 */
export interface CliContext {
  io: CliIo;
  /** The server's modules: `db migrate` applies their migrations too. */
  modules: readonly Module[];
  /** Reads the configuration and opens the core the servers open. */
  openCore(): Promise<Core>;
  /** DATABASE_URL alone: the db commands need no secrets. */
  databaseUrl(): string;
  /** AUTH_CLI_PASSWORD, or null when unset. */
  envPassword(): string | null;
  stdin: { isTTY: boolean; readAll(): Promise<string> };
  /** Aborted on SIGINT from the first call on (before it, Ctrl-C ends the process as usual): ends `audit tail --follow`. */
  interrupted(): AbortSignal;
  /** How often `audit tail --follow` asks for new events. */
  followIntervalMs: number;
}

/** The CLI acts as itself in the audit trail: no user, no address, user agent "cli". */
export const CLI_ACTOR: Actor = { userId: null, client: { ip: null, userAgent: "cli", requestId: null } };

/** Opens the core for one command and always closes it (flushing buffered audit counts). */
export async function withCore<T>(ctx: CliContext, work: (core: Core) => Promise<T>): Promise<T> {
  const core = await ctx.openCore();
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}
