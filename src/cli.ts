#!/usr/bin/env node
import pino from "pino";
import type { CliContext } from "./cli/context";
import { runCli } from "./cli/program";
import { loadCliPassword, loadConfig, loadDatabaseUrl } from "./config";
import { openCore } from "./core";
import { createLogger } from "./logger";
import { MODULES } from "./modules";

/**
 * `auth-server <command>` / `npm run cli -- <command>`: operator commands on the same core the
 * server opens (same configuration, database, modules and security events, so running servers
 * hear about what it changes). The command line is parsed first; this file only wires the process.
 */
const context: CliContext = {
  io: { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text) },
  modules: MODULES,
  openCore: () => {
    const config = loadConfig();
    // Warnings only, and on stderr: stdout carries the answer (JSON for scripts).
    const logger = createLogger(config.logLevel === "silent" ? "silent" : "warn", pino.destination({ dest: 2, sync: true }));
    return openCore(config, MODULES, { logger });
  },
  databaseUrl: () => loadDatabaseUrl(),
  envPassword: () => loadCliPassword(),
  stdin: { isTTY: process.stdin.isTTY === true, readAll: () => readAll(process.stdin) },
  interrupted: onInterrupt(),
  followIntervalMs: 2_000,
};

runCli(process.argv.slice(2), context).then((code) => {
  process.exitCode = code;
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** Ctrl-C ends the process as usual until a command (audit tail --follow) asks to wind down on it instead. */
function onInterrupt(): () => AbortSignal {
  let controller: AbortController | null = null;
  return () => {
    if (!controller) {
      const created = new AbortController();
      process.once("SIGINT", () => created.abort());
      controller = created;
    }
    return controller.signal;
  };
}
