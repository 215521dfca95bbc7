// The embedded database's own thread (src/db/pglite-thread/threaded-pglite.ts starts it): PGlite
// runs PostgreSQL as WebAssembly on whichever thread owns it, so here every query's execution
// leaves the server's event loop free. Plain CommonJS so that compiled code, tsx and Jest all
// start the same file. Messages, in order: {id, op: "query"|"exec"|"close", sql, params, options}
// in; {id, ok, result | error} out. Values come back as PostgreSQL's text, unparsed: the caller's
// parsers (functions, which cannot cross threads) are applied on the calling thread.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");

/** Set once PGlite is loaded: whether an error is PostgreSQL's (PGlite's DatabaseError). */
let isDatabaseError = () => false;

async function main() {
  const { PGlite, messages, types } = await import("@electric-sql/pglite");
  isDatabaseError = (error) => error instanceof messages.DatabaseError;
  // Every type PGlite would parse (its parsers are keyed by type oid), left as text. Array types
  // still come split into arrays of text (PGlite builds their parsers itself); no column or
  // statement of this server returns one.
  const asText = {};
  for (const oid of Object.keys(types.parsers)) if (/^\d+$/.test(oid)) asText[oid] = (value) => value;
  const { dataDir, startParams, template } = workerData;
  const options = { startParams, parsers: asText, ...(template ? { loadDataDir: new Blob([template]) } : {}) };
  const pglite = dataDir === null ? new PGlite(options) : new PGlite(dataDir, options);
  await pglite.waitReady;
  parentPort.on("message", async (message) => {
    const { id, op, sql, params, options: queryOptions } = message;
    try {
      if (op === "close") {
        await pglite.close();
        parentPort.postMessage({ id, ok: true, result: null });
        parentPort.close();
        return;
      }
      const result = op === "query" ? await pglite.query(sql, params, queryOptions) : await pglite.exec(sql, queryOptions);
      parentPort.postMessage({ id, ok: true, result });
    } catch (error) {
      parentPort.postMessage({ id, ok: false, error: describe(error) });
    }
  });
  parentPort.postMessage({ ready: true });
}

/** What crosses the thread boundary of an error: its message and PostgreSQL's fields (code, …). */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error), fields: {} };
  const fields = {};
  for (const [key, value] of Object.entries(error)) if (value === null || ["string", "number", "boolean"].includes(typeof value)) fields[key] = value;
  return { database: isDatabaseError(error), message: error.message, fields };
}

main().catch((error) => parentPort.postMessage({ ready: false, error: describe(error) }));
