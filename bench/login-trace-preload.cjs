/**
 * Preloaded into the compiled server by bench/login-trace.ts (node --require): stamps, for each
 * POST /graphql, when each database statement, argon2 call, JWT signing and the response write
 * began and ended, relative to the request's arrival, and writes them to $TRACE_OUT at exit.
 * Requests must come one at a time (the trace follows the latest). Wraps the libraries' own
 * functions (pg's Client.query, argon2, jsonwebtoken, the PGlite thread's call), so the server
 * itself is not changed to be traced.
 */
const { performance } = require("node:perf_hooks");
const { writeFileSync } = require("node:fs");
const { join } = require("node:path");
const http = require("node:http");

let current = null;
const traced = [];
const mark = (what) => {
  if (current) current.events.push([what, performance.now() - current.start]);
};
const label = (prefix, sql) => `${prefix}: ${String(sql ?? "").replace(/\s+/g, " ").trim().slice(0, 48)}`;
const around = (name, promise) => {
  promise.then(
    () => mark(`${name} <`),
    () => mark(`${name} failed`),
  );
  return promise;
};

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, response) {
  if (event === "request" && request.method === "POST" && request.url.startsWith("/graphql")) {
    const trace = { start: performance.now(), events: [] };
    current = trace;
    request.on("end", () => current === trace && mark("request body read"));
    response.on("finish", () => {
      if (current !== trace) return;
      mark("response flushed");
      traced.push(trace);
    });
  }
  return emit.apply(this, arguments);
};
const end = http.ServerResponse.prototype.end;
http.ServerResponse.prototype.end = function () {
  mark("response write >");
  const result = end.apply(this, arguments);
  mark("response write <");
  return result;
};

const pg = require("pg");
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const name = label("pg", typeof config === "string" ? config : config?.text);
  mark(`${name} >`);
  // pg's pool passes a callback (then query returns nothing); the callback is its end.
  const last = rest.length - 1;
  if (typeof rest[last] === "function") {
    const callback = rest[last];
    rest[last] = function () {
      mark(`${name} <`);
      return callback.apply(this, arguments);
    };
  }
  const result = query.call(this, config, ...rest);
  return result && typeof result.then === "function" ? around(name, result) : result;
};

const argon2 = require("argon2");
for (const fn of ["verify", "hash"]) {
  const original = argon2[fn];
  argon2[fn] = function () {
    mark(`argon2.${fn} >`);
    return around(`argon2.${fn}`, original.apply(this, arguments));
  };
}

const jwt = require("jsonwebtoken");
const sign = jwt.sign;
jwt.sign = function () {
  mark("jwt.sign >");
  const token = sign.apply(this, arguments);
  mark("jwt.sign <");
  return token;
};

try {
  const { ThreadedPGlite } = require(join(__dirname, "../dist/src/db/pglite-thread/threaded-pglite.js"));
  const call = ThreadedPGlite.prototype.call;
  ThreadedPGlite.prototype.call = function (kind, sql) {
    const name = label(`pglite ${kind}`, sql);
    mark(`${name} >`);
    return around(name, call.apply(this, arguments));
  };
} catch (error) {
  console.error(`login-trace: PGlite calls are not traced (${error.message})`);
}

const out = process.env.TRACE_OUT;
if (!out) throw new Error("login-trace-preload: set TRACE_OUT to the file the trace is written to");
process.on("exit", () => writeFileSync(out, JSON.stringify(traced)));
