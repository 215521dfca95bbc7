import path from "node:path";
import type { Command } from "commander";
import { emailsNeedingAttention, migrateDatabase, type Module, type PreparedDatabase, readMigrationStatus } from "../core";
import { type MigrationStatus, redactDatabaseUrl } from "../db";
import { findProjectRoot } from "../project-root";
import type { CliContext } from "./context";
import { CliExit, EXIT } from "./exit";
import { type CliIo, printJson, println, table } from "./output";

/** `db migrate | status`: the database part of the core alone, so neither needs the server's secrets. */
export function addDbCommands(program: Command, ctx: CliContext): void {
  const db = program.command("db").description("the database schema: the migrations the server applies at start (MIGRATE_ON_START)");
  db.command("migrate")
    .description("apply the pending migrations of the core and of every module, then exit (needs only DATABASE_URL)")
    .action(async () => {
      const url = ctx.databaseUrl();
      report(ctx.io, migrationReport(url, await migrateDatabase(url, ctx.modules)));
    });
  db.command("status")
    .description("list applied and pending migrations per folder without changing anything; exits 1 unless all are applied")
    .option("--json", "print one JSON document")
    .action(async (opts: { json?: boolean }) => {
      const url = ctx.databaseUrl();
      const status = await readMigrationStatus(url, ctx.modules);
      const view = statusView(redactDatabaseUrl(url), status, ctx.modules);
      if (opts.json) printJson(ctx.io.stdout, view);
      else for (const line of statusLines(view)) println(ctx.io.stdout, line);
      if (!view.upToDate) throw new CliExit(EXIT.failed);
    });
}

/** What `db migrate` (and `npm run db:migrate`) tells: stdout lines, and a warning for stderr. */
export function migrationReport(url: string, prepared: PreparedDatabase): { lines: string[]; warning: string | null } {
  const { applied, emails } = prepared;
  const summary = applied.length === 0 ? "already up to date" : `applied ${applied.join(", ")}`;
  const lines = [`Migrations on ${redactDatabaseUrl(url)}: ${summary}`];
  if (emails.rewritten > 0) lines.push(`Stored emails rewritten into canonical form: ${emails.rewritten}`);
  return { lines, warning: emailsNeedingAttention(emails) };
}

function report(io: CliIo, { lines, warning }: ReturnType<typeof migrationReport>): void {
  for (const line of lines) println(io.stdout, line);
  if (warning) println(io.stderr, `Warning: ${warning}`);
}

interface SourceStatus {
  /** "core", or the module's name. */
  source: string;
  dir: string;
  applied: string[];
  pending: string[];
  modified: string[];
  failed: string[];
}

interface StatusView {
  database: string;
  upToDate: boolean;
  sources: SourceStatus[];
  /** Applied by a version of the code that had migrations this one lacks. */
  unknown: string[];
}

function statusView(database: string, status: MigrationStatus, modules: readonly Module[]): StatusView {
  const root = findProjectRoot();
  const sourceOf = (dir: string) => modules.find((m) => m.migrationsDir && path.resolve(m.migrationsDir) === path.resolve(dir))?.name ?? "core";
  const sources = new Map<string, SourceStatus>();
  for (const { name, dir, state } of status.migrations) {
    const entry = sources.get(dir) ?? { source: sourceOf(dir), dir: path.relative(root, dir), applied: [], pending: [], modified: [], failed: [] };
    entry[state].push(name);
    sources.set(dir, entry);
  }
  const list = [...sources.values()];
  const upToDate = list.every((s) => s.pending.length + s.modified.length + s.failed.length === 0);
  return { database, upToDate, sources: list, unknown: status.unknown };
}

function statusLines(view: StatusView): string[] {
  const pending = view.sources.reduce((n, s) => n + s.pending.length, 0);
  const lines = [`Migrations on ${view.database}: ${view.upToDate ? "up to date" : `${pending} pending`}`];
  const rows = view.sources.map((s) => [s.source, s.dir, String(s.applied.length), String(s.pending.length)]);
  lines.push(...table(["SOURCE", "DIRECTORY", "APPLIED", "PENDING"], rows));
  for (const s of view.sources) {
    for (const name of s.pending) lines.push(`pending   ${name} (${s.source})`);
    for (const name of s.modified) lines.push(`modified  ${name} (${s.source}): the file changed after it was applied; restore it`);
    for (const name of s.failed) lines.push(`failed    ${name} (${s.source}): never finished; fix the database, then \`prisma migrate resolve\``);
  }
  for (const name of view.unknown) lines.push(`unknown   ${name}: applied by another version of the code`);
  return lines;
}
