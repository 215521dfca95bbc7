import { isAuthError } from "./auth";
import { KEYS_USAGE, parseKeysCommand, runKeysCommand } from "./cli/keys-command";
import { ConfigError, loadConfig } from "./config";
import { openCore } from "./core";
import { DataDirInUseError } from "./db";
import { createLogger } from "./logger";
import { MODULES } from "./modules";

const USAGE = `usage: npm run cli -- <command>\n  ${KEYS_USAGE.replace("usage: npm run cli -- ", "")}`;

/**
 * `npm run cli -- …`: operator commands on the same core the server opens (same configuration,
 * database, modules and security events, so running servers hear about what it changes).
 */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === "keys" ? parseKeysCommand(args) : null;
  if (!command) {
    process.stderr.write(`${name === "keys" ? KEYS_USAGE : USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  // Warnings only: an operator's terminal is not the place for the server's info lines.
  const core = await openCore(config, MODULES, { logger: createLogger(config.logLevel === "silent" ? "silent" : "warn") });
  try {
    await runKeysCommand(core, command, { out: (line) => process.stdout.write(`${line}\n`) });
    return 0;
  } finally {
    await core.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${failure(error)}\n`);
    process.exitCode = 1;
  },
);

/** One line that says what to do. */
function failure(error: unknown): string {
  if (error instanceof DataDirInUseError) {
    return `${error.message} The embedded database belongs to the running server: stop it first, or use the admin GraphQL operations signingKeys / rotateSigningKey / revokeSigningKey.`;
  }
  if (error instanceof ConfigError) return `Invalid configuration: ${error.message}`;
  if (isAuthError(error)) return `Refused: ${error.message}${error.retryAfter !== undefined ? ` (retry in ${error.retryAfter} s)` : ""}`;
  return `Failed: ${String(error instanceof Error ? error.message : error).split("\n")[0]}`;
}
