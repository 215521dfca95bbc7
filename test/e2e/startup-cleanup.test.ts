import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db";
import { NodeProcess } from "../support/node-process";

/*
 * main.ts starts opening the database before it loads the server's modules (so that PGlite's
 * thread boots meanwhile). A failure in between must still end that database: its thread, and
 * the directory's lock, which would otherwise refuse the next start from another pid namespace.
 */
describe("a start that fails after the database began opening", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "startup-cleanup-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("closes the embedded database and releases its lock when a module fails to load, then exits 1 naming the failure", async () => {
    const preload = path.join(dir, "fail-websocket-transport.cjs");
    await writeFile(
      preload,
      `const Module = require("node:module");
const load = Module._load;
Module._load = function (request) {
  if (/websocket-transport$/.test(request)) throw new Error("simulated module load failure");
  return load.apply(this, arguments);
};
`,
    );
    const data = path.join(dir, "data");
    const server = new NodeProcess("src/main.ts", {
      NODE_ENV: "production",
      JWT_SECRET: randomBytes(48).toString("base64url"),
      DATABASE_URL: `pglite:${data}`,
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "silent",
      NODE_OPTIONS: `--require ${preload}`,
    });
    try {
      const exit = await server.exited;
      expect(exit.code).toBe(1);
      expect(server.stderr).toContain("simulated module load failure");
      expect(existsSync(`${data}.lock`)).toBe(false);
      // The directory was fully written and closed: it opens again.
      const db = await openDatabase(`pglite:${data}`);
      try {
        await expect(db.ping()).resolves.toBeUndefined();
      } finally {
        await db.close();
      }
    } finally {
      await server.stop();
    }
  }, 60_000);
});
