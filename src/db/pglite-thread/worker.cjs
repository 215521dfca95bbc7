// The embedded database's own thread (src/db/pglite-thread/threaded-pglite.ts starts it): PGlite
// runs PostgreSQL as WebAssembly on whichever thread owns it, so here every query's execution
// leaves the server's event loop free. Plain CommonJS so that compiled code, tsx and Jest all
// start the same file. Messages, in order: {id, op: "query"|"exec"|"prepared"|"close", sql, params,
// options} in; {id, ok, result | error} out. Values come back as PostgreSQL's text, unparsed: the caller's
// parsers (functions, which cannot cross threads) are applied on the calling thread.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { copyTemplate } = require("./copy-template.cjs");

/** Set once PGlite is loaded: whether an error is PostgreSQL's (PGlite's DatabaseError). */
let isDatabaseError = () => false;

async function main() {
  const { PGlite, messages, types, protocol, parse } = await import("@electric-sql/pglite");
  isDatabaseError = (error) => error instanceof messages.DatabaseError;
  // Every type PGlite would parse (its parsers are keyed by type oid), left as text. Array types
  // still come split into arrays of text (PGlite builds their parsers itself); no column or
  // statement of this server returns one.
  const asText = {};
  for (const oid of Object.keys(types.parsers)) if (/^\d+$/.test(oid)) asText[oid] = (value) => value;
  const { dataDir, startParams, template, templateDir } = workerData;
  if (templateDir !== null) copyTemplate(templateDir, dataDir);
  const options = {
    startParams,
    parsers: asText,
    pgliteWasmModule: compilePostgres(),
    ...(template ? { loadDataDir: new Blob([template]) } : {}),
  };
  const pglite = dataDir === null ? new PGlite(options) : new PGlite(dataDir, options);
  await pglite.waitReady;
  const prepared = preparedStatements(pglite, protocol.serialize, (messages) => parse.parseResults(messages, asText)[0]);
  parentPort.on("message", async (message) => {
    const { id, op, sql, params, options: queryOptions } = message;
    try {
      if (op === "close") {
        await pglite.close();
        parentPort.postMessage({ id, ok: true, result: null });
        parentPort.close();
        return;
      }
      const result =
        op === "prepared"
          ? await prepared(queryOptions.name, sql, params)
          : op === "query"
            ? await pglite.query(sql, params, queryOptions)
            : await pglite.exec(sql, queryOptions);
      parentPort.postMessage({ id, ok: true, result });
    } catch (error) {
      parentPort.postMessage({ id, ok: false, error: describe(error) });
    }
  });
  parentPort.postMessage({ ready: true });
}

/**
 * PostgreSQL's WebAssembly, compiled on this thread before PGlite starts. Left to PGlite, it is
 * compiled asynchronously, and V8 then finishes that compilation on its background threads while
 * this thread waits: every start stalled 220-360 ms at its first statement (a futex wait, seen
 * with strace, while the compiler threads committed code). Compiled here, functions compile as
 * they are first called, and the first statement answers in a few ms; ready came sooner too (three
 * runs each: 680-770 ms against 840-940). Only this thread is blocked while it compiles.
 */
function compilePostgres() {
  const { readFileSync } = require("node:fs");
  const path = require("node:path");
  return new WebAssembly.Module(readFileSync(path.join(path.dirname(require.resolve("@electric-sql/pglite")), "pglite.wasm")));
}

/**
 * The hot statements, prepared once under their name and then only bound and executed: PGlite's
 * query() parses, describes and plans every statement anew, in five trips through its main loop
 * (measured in one process on the refresh lookup: 2.0 ms by query(), 0.14 ms prepared). `params`
 * come as PostgreSQL's text already (ThreadedPGlite.prepared). Holds PGlite's own query mutex, as
 * query() does, and syncs the directory after, as query() does outside a transaction.
 */
function preparedStatements(pglite, serialize, parseResult) {
  const names = new Set();
  const send = (...parts) => pglite.execProtocol(Buffer.concat(parts));
  // Closing a name PostgreSQL does not have is not an error, so preparing always closes first.
  const prepare = async (name, sql) => {
    await send(serialize.close({ type: "S", name }), serialize.parse({ name, text: sql, types: [] }), serialize.sync());
    names.add(name);
  };
  const bindAndRun = async (name, params) =>
    parseResult((await send(serialize.bind({ statement: name, values: params }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync())).messages);
  return (name, sql, params) =>
    pglite.runExclusive(async () => {
      if (!names.has(name)) await prepare(name, sql);
      try {
        return await bindAndRun(name, params);
      } catch (error) {
        // The statement is gone (a DEALLOCATE ALL or DISCARD ALL on this one session) or its
        // result type changed under it (ALTER COLUMN … TYPE): neither ran anything, so it is
        // prepared again and run once more, as query() would have parsed it afresh.
        if (!STALE_STATEMENT.has(error && error.code)) throw error;
        names.delete(name);
        await prepare(name, sql);
        return bindAndRun(name, params);
      }
    });
}

/** 26000: no such prepared statement; 0A000: "cached plan must not change result type". */
const STALE_STATEMENT = new Set(["26000", "0A000"]);

/** What crosses the thread boundary of an error: its message and PostgreSQL's fields (code, …). */
function describe(error) {
  if (!(error instanceof Error)) return { message: String(error), fields: {} };
  const fields = {};
  for (const [key, value] of Object.entries(error)) if (value === null || ["string", "number", "boolean"].includes(typeof value)) fields[key] = value;
  return { database: isDatabaseError(error), message: error.message, fields };
}

main().catch((error) => parentPort.postMessage({ ready: false, error: describe(error) }));
