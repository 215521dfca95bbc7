import { type Command, Option } from "commander";
import { MAX_PAGE_SIZE, type Role, type UserRecord } from "../auth";
import type { Core } from "../core";
import { CLI_ACTOR, type CliContext, withCore } from "./context";
import { NONE, printJson, println, table } from "./output";
import { readNewPassword } from "./password-input";
import { findUserOrRefuse, parseRole, userView, type UserView } from "./user-lookup";

const userOption = () => new Option("--user <id|email>", "the account, by id or email").makeOptionMandatory();
const roleOption = () => new Option("--role <role>", "USER or ADMIN").argParser(parseRole).makeOptionMandatory();
const jsonOption = () => new Option("--json", "print the account as JSON");

/** `users …`: the admin GraphQL operations on accounts, for operators without an ADMIN token. */
export function addUsersCommands(program: Command, ctx: CliContext): void {
  const users = program.command("users").description("accounts: list them, create them, change their role, disable them");
  users
    .command("list")
    .description("list every account, oldest first")
    .option("--json", "print a JSON array")
    .action((opts: { json?: boolean }) => withCore(ctx, (core) => list(core, ctx, opts.json === true)));
  users
    .command("create")
    .description("create an account; its password comes from stdin (--password-stdin) or AUTH_CLI_PASSWORD, never an argument")
    .requiredOption("--email <email>", "the new account's email")
    .addOption(roleOption())
    .option("--password-stdin", "read the password from stdin (one trailing newline is dropped)")
    .addOption(jsonOption())
    .action(async (opts: { email: string; role: Role; passwordStdin?: boolean; json?: boolean }, command: Command) => {
      const password = await readNewPassword(ctx, command, opts.passwordStdin === true);
      await withCore(ctx, async (core) => {
        const user = await core.auth.admin.createUser(CLI_ACTOR, { email: opts.email, password, role: opts.role });
        report(ctx, opts.json, user, `Created ${user.email} (${user.role}), id ${user.id}.`);
      });
    });
  users
    .command("set-role")
    .description("change an account's role; it applies to its live sessions at once")
    .addOption(userOption())
    .addOption(roleOption())
    .addOption(jsonOption())
    .action((opts: { user: string; role: Role; json?: boolean }) =>
      change(ctx, opts, (core, id) => core.auth.admin.setRole(CLI_ACTOR, id, opts.role), (u) => `${u.email} is now ${u.role}.`),
    );
  users
    .command("disable")
    .description("stop an account from signing in, and end its sessions")
    .addOption(userOption())
    .addOption(jsonOption())
    .action((opts: { user: string; json?: boolean }) =>
      change(ctx, opts, (core, id) => core.auth.admin.disable(CLI_ACTOR, id), (u) => `Disabled ${u.email}: its sessions have ended and it can no longer sign in.`),
    );
  users
    .command("enable")
    .description("let a disabled account sign in again (the sessions the disable ended stay ended)")
    .addOption(userOption())
    .addOption(jsonOption())
    .action((opts: { user: string; json?: boolean }) =>
      change(ctx, opts, (core, id) => core.auth.admin.enable(CLI_ACTOR, id), (u) => `Enabled ${u.email}: it can sign in again.`),
    );
}

/** One account, found by id or email, changed by the core, then told. */
async function change(
  ctx: CliContext,
  opts: { user: string; json?: boolean },
  apply: (core: Core, userId: string) => Promise<UserRecord>,
  told: (user: UserView) => string,
): Promise<void> {
  await withCore(ctx, async (core) => {
    const user = await apply(core, (await findUserOrRefuse(core, opts.user)).id);
    report(ctx, opts.json, user, told(userView(user)));
  });
}

function report(ctx: CliContext, json: boolean | undefined, user: UserRecord, line: string): void {
  if (json) printJson(ctx.io.stdout, userView(user));
  else println(ctx.io.stdout, line);
}

async function list(core: Core, ctx: CliContext, json: boolean): Promise<void> {
  const all = (await allUsers(core)).map(userView);
  if (json) return printJson(ctx.io.stdout, all);
  if (all.length === 0) return println(ctx.io.stdout, "No users.");
  for (const line of table(["ID", "EMAIL", "ROLE", "VERIFIED", "DISABLED", "CREATED"], all.map(userRow))) println(ctx.io.stdout, line);
}

/** Every page of the admin listing (oldest first, keyed on the last id). */
async function allUsers(core: Core): Promise<UserRecord[]> {
  const all: UserRecord[] = [];
  for (;;) {
    const page = await core.auth.admin.list(MAX_PAGE_SIZE, all.at(-1)?.id ?? null);
    all.push(...page);
    if (page.length < MAX_PAGE_SIZE) return all;
  }
}

function userRow(user: UserView): string[] {
  return [user.id, user.email, user.role, user.emailVerified ? "yes" : "no", user.disabled ? "yes" : NONE, user.createdAt.toISOString()];
}
