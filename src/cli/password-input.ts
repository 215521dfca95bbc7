import type { Command } from "commander";
import type { CliContext } from "./context";

/**
 * A new account's password: from stdin with --password-stdin (one trailing newline dropped, as
 * `echo` adds it), else from AUTH_CLI_PASSWORD. Never from an argument, which `ps` and shell
 * history would keep. Asked before the core is opened, so a missing one is a usage error.
 */
export async function readNewPassword(ctx: CliContext, command: Command, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    // A terminal would echo the password as it is typed.
    if (ctx.stdin.isTTY) usage(command, "--password-stdin reads a pipe (printf '%s' \"$PASSWORD\" | auth-server …), not a terminal");
    return (await ctx.stdin.readAll()).replace(/\r?\n$/, "");
  }
  const fromEnv = ctx.envPassword();
  if (fromEnv === null) usage(command, "give the password on stdin with --password-stdin, or in the environment as AUTH_CLI_PASSWORD");
  return fromEnv;
}

function usage(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: 2, code: "auth-server.passwordMissing" });
}
