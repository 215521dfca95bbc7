import { createApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { DataDirInUseError } from "./db";

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const url = await app.listen();
  app.logger.info({ url: `${url}/graphql`, database: app.db.kind }, "auth server ready");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS + 2000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${startupFailure(error)}\n`);
  process.exit(1);
});

/** Fix-it messages for configuration and a locked database; anything else with its cause. */
function startupFailure(error: unknown): string {
  if (error instanceof ConfigError) return `Invalid configuration: ${error.message}`;
  if (error instanceof DataDirInUseError) return error.message;
  return `Startup failed: ${String(error)}`;
}
