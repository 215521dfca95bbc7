import type { Command } from "commander";
import { MAX_PAGE_SIZE, type UserRecord } from "../auth";
import type { Core } from "../core";
import { type CliContext, withCore } from "./context";
import { printJson, println, table } from "./output";

/** `users …`: the admin GraphQL operations on accounts, for operators without an ADMIN token. */
export function addUsersCommands(program: Command, ctx: CliContext): void {
  const users = program.command("users").description("accounts: list them, create them, change their role, disable them");
  users
    .command("list")
    .description("list every account, oldest first")
    .option("--json", "print a JSON array")
    .action((opts: { json?: boolean }) =>
      withCore(ctx, async (core) => {
        const all = (await allUsers(core)).map(userView);
        if (opts.json) printJson(ctx.io.stdout, all);
        else if (all.length === 0) println(ctx.io.stdout, "No users.");
        else for (const line of table(["ID", "EMAIL", "ROLE", "CREATED"], all.map(userRow))) println(ctx.io.stdout, line);
      }),
    );
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

/** What the CLI shows of an account: never its credential version or anything secret. */
export function userView(user: UserRecord) {
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt };
}

function userRow(user: ReturnType<typeof userView>): string[] {
  return [user.id, user.email, user.role, user.createdAt.toISOString()];
}
