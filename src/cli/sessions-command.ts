import type { Command } from "commander";
import { CLI_ACTOR, type CliContext, withCore } from "./context";
import { printJson, println } from "./output";
import { findUserOrRefuse, userView } from "./user-lookup";

/** `sessions revoke --user`: sign an account out everywhere (a lost device, a leaked token). */
export function addSessionsCommands(program: Command, ctx: CliContext): void {
  const sessions = program.command("sessions").description("sign-in sessions (refresh tokens)");
  sessions
    .command("revoke")
    .description("end every live session of an account: its refresh tokens stop working and running servers refuse its access tokens at once")
    .requiredOption("--user <id|email>", "the account, by id or email")
    .option("--json", "print { user, revoked } as JSON")
    .action((opts: { user: string; json?: boolean }) =>
      withCore(ctx, async (core) => {
        const user = await findUserOrRefuse(core, opts.user);
        const revoked = await core.auth.admin.revokeSessions(CLI_ACTOR, user.id);
        if (opts.json) printJson(ctx.io.stdout, { user: userView(user), revoked });
        else println(ctx.io.stdout, `Revoked ${revoked} session${revoked === 1 ? "" : "s"} of ${user.email}.`);
      }),
    );
}
