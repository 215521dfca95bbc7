import { setTimeout as sleep } from "node:timers/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditEventType, MAX_PAGE_SIZE } from "../auth";
import type { Core } from "../core";
import { type AuditFilter, AuditFollower, type AuditPage } from "./audit-follower";
import { type CliContext, withCore } from "./context";
import { formatRow, NONE, printJson, println, type Write } from "./output";
import { findUserOrRefuse } from "./user-lookup";

interface TailOptions {
  type?: AuditEventType;
  user?: string;
  limit: number;
  json?: boolean;
  follow?: boolean;
}

/** `audit tail`: the audit trail the GraphQL `auditEvents` query pages through, as a log. */
export function addAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command("audit").description("the audit trail: sign-ins, refusals, changes and who made them");
  audit
    .command("tail")
    .description("print the latest audit events, oldest first")
    .addOption(new Option("--type <type>", "only events of this type (see below)").argParser(parseEventType))
    .option("--user <id|email>", "only events about this account")
    .addOption(new Option("--limit <n>", `how many of the latest events (1-${MAX_PAGE_SIZE})`).argParser(parseLimit).default(20))
    .option("--json", "JSON: one array; with --follow, one event per line")
    .option("--follow", "then keep printing new events as they are written, until Ctrl-C")
    .addHelpText("after", `\nEvent types: ${AUDIT_EVENT_TYPES.join(", ")}.`)
    .action((opts: TailOptions) => withCore(ctx, (core) => tail(core, ctx, opts)));
}

async function tail(core: Core, ctx: CliContext, opts: TailOptions): Promise<void> {
  const list: AuditPage = (page) => core.auth.admin.auditEvents(page);
  const filter: AuditFilter = { type: opts.type ?? null, userId: opts.user ? (await findUserOrRefuse(core, opts.user)).id : null };
  const follower = opts.follow ? new AuditFollower(list, filter) : null;
  await follower?.prime();
  const latest = (await list({ first: opts.limit, ...filter })).reverse();
  follower?.remember(latest);
  const print = printer(ctx.io.stdout, opts);
  print(latest);
  if (!follower) return;
  const interrupted = ctx.interrupted();
  while (await pause(ctx.followIntervalMs, interrupted)) print(await follower.poll());
}

/** False once interrupted: the command then closes the core and exits 0. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}

const HEADER = ["CREATED", "TYPE", "USER", "IP", "DETAIL"];
/** Fixed widths (ISO time, longest type, uuid, IPv4), so rows printed while following line up. */
const WIDTHS = [24, Math.max(...AUDIT_EVENT_TYPES.map((t) => t.length)), 36, 15, 0];

function printer(write: Write, opts: TailOptions): (events: readonly AuditEvent[]) => void {
  let first = true;
  return (events) => {
    const start = first;
    first = false;
    if (opts.json && !opts.follow) return printJson(write, events);
    if (opts.json) return events.forEach((event) => println(write, JSON.stringify(event)));
    if (start && events.length === 0 && !opts.follow) return println(write, "No audit events.");
    if (start) println(write, formatRow(HEADER, WIDTHS));
    for (const event of events) println(write, formatRow(row(event), WIDTHS));
  };
}

function row(event: AuditEvent): string[] {
  const detail = Object.entries(event.detail ?? {}).map(([key, value]) => `${key}=${String(value)}`);
  return [event.createdAt.toISOString(), event.type, event.userId ?? NONE, event.ip ?? NONE, detail.join(" ")];
}

function parseEventType(value: string): AuditEventType {
  const type = AUDIT_EVENT_TYPES.find((t) => t === value.toLowerCase());
  if (!type) throw new InvalidArgumentError(`not an audit event type; one of ${AUDIT_EVENT_TYPES.join(", ")}.`);
  return type;
}

function parseLimit(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  return n;
}
