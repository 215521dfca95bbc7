import { type Config, loadConfig } from "./config";
import { startOpeningDatabase } from "./db";
import { explainStartupFailure } from "./startup-failure";

const SHUTDOWN_TIMEOUT_MS = 10_000;

let config: Readonly<Config> | null = null;

async function main(): Promise<void> {
  config = loadConfig();
  // The server's modules load while an embedded database boots on its own thread, instead of
  // before it. A failure to open surfaces where createApp awaits the database.
  const database = await startOpeningDatabase(config.databaseUrl);
  let loaded: [typeof import("./app"), typeof import("./http")];
  try {
    loaded = await Promise.all([import("./app"), import("./http")]);
  } catch (error) {
    // Nothing else owns the database yet: its thread, directory lock and half-loaded template are
    // this function's to end before the process exits.
    await database.opened.then((db) => db.close()).catch(() => undefined);
    throw error;
  }
  const [{ createApp }, { GRAPHIQL_PATH, GRAPHQL_PATH }] = loaded;
  // createApp hands it to openCore, which closes it when anything after the open fails.
  const app = await createApp(config, { database: database.opened });
  const url = await app.listen();
  const explorer = config.introspection ? { graphiql: `${url}${GRAPHIQL_PATH}` } : {};
  app.logger.info({ url: `${url}${GRAPHQL_PATH}`, ...explorer, database: app.db.kind }, "auth server ready");

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
  const settings = config ?? { databaseUrl: "", host: "", port: 0 };
  process.stderr.write(`${explainStartupFailure(error, settings)}\n`);
  process.exit(1);
});
