import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const { copyTemplate } = require("../../../src/db/pglite-thread/copy-template.cjs") as { copyTemplate(from: string, to: string): void };

/** A template as the build leaves it: readable by all (0755 / 0644). */
async function template(root: string): Promise<string> {
  const dir = path.join(root, "template");
  await mkdir(path.join(dir, "base", "1"), { recursive: true });
  await mkdir(path.join(dir, "pg_wal", "archive_status"), { recursive: true });
  await writeFile(path.join(dir, "PG_VERSION"), "17\n");
  await writeFile(path.join(dir, "postgresql.conf"), "# conf\n");
  await writeFile(path.join(dir, "base", "1", "1255"), Buffer.alloc(8192, 7));
  await writeFile(path.join(dir, "pg_wal", "000000010000000000000001"), Buffer.alloc(4096, 1));
  for (const sub of ["", "base", "base/1", "pg_wal", "pg_wal/archive_status"]) await chmod(path.join(dir, sub), 0o755);
  for (const file of ["PG_VERSION", "postgresql.conf", "base/1/1255", "pg_wal/000000010000000000000001"]) await chmod(path.join(dir, file), 0o644);
  return dir;
}

/** Path → "dir 700" / "file 600" for everything under `root`. */
async function modes(root: string, at = ""): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of await readdir(path.join(root, at))) {
    const relative = path.join(at, name);
    const info = await stat(path.join(root, relative));
    result[relative] = `${info.isDirectory() ? "dir" : "file"} ${(info.mode & 0o777).toString(8)}`;
    if (info.isDirectory()) Object.assign(result, await modes(root, relative));
  }
  return result;
}

describe("copyTemplate (PGlite's thread, before a fresh directory opens)", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "copy-template-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("copies every file, private to this user (directories 0700, files 0600) whatever the template's modes", async () => {
    const from = await template(root);
    const to = path.join(root, "data");
    await mkdir(to);
    copyTemplate(from, to);
    expect(await modes(to)).toEqual({
      PG_VERSION: "file 600",
      "postgresql.conf": "file 600",
      base: "dir 700",
      "base/1": "dir 700",
      "base/1/1255": "file 600",
      pg_wal: "dir 700",
      "pg_wal/archive_status": "dir 700",
      "pg_wal/000000010000000000000001": "file 600",
    });
    expect(await readFile(path.join(to, "base", "1", "1255"))).toEqual(Buffer.alloc(8192, 7));
    // The template is only read.
    expect((await modes(from))["base/1/1255"]).toBe("file 644");
  });

  it("creates the data directory when it does not exist yet, whichever entry the template lists first", async () => {
    const from = path.join(root, "files-only");
    await mkdir(from);
    await writeFile(path.join(from, "postgresql.conf"), "# conf\n");
    await writeFile(path.join(from, "PG_VERSION"), "17\n");
    const to = path.join(root, "not-yet", "data");
    copyTemplate(from, to);
    expect(await readFile(path.join(to, "postgresql.conf"), "utf8")).toBe("# conf\n");
    expect(existsSync(path.join(to, "PG_VERSION"))).toBe(true);
  });

  it("writes PG_VERSION last: a copy that fails midway leaves the directory fresh", async () => {
    const from = await template(root);
    const to = path.join(root, "data");
    await mkdir(path.join(to, "pg_wal"), { recursive: true });
    // A directory where the template has a file: the copy fails when it reaches it.
    await mkdir(path.join(to, "pg_wal", "000000010000000000000001"));
    expect(() => copyTemplate(from, to)).toThrow(/EISDIR|EEXIST|illegal operation on a directory/);
    expect(existsSync(path.join(to, "PG_VERSION"))).toBe(false);
  });

  it("copies over what an earlier copy left (files half written, modes of its own), and leaves other files alone", async () => {
    const from = await template(root);
    const to = path.join(root, "data");
    await mkdir(path.join(to, "base", "1"), { recursive: true });
    await chmod(path.join(to, "base"), 0o777);
    await writeFile(path.join(to, "base", "1", "1255"), "half");
    await writeFile(path.join(to, "notes.txt"), "the operator's");
    copyTemplate(from, to);
    expect(await readFile(path.join(to, "base", "1", "1255"))).toEqual(Buffer.alloc(8192, 7));
    expect((await modes(to)).base).toBe("dir 700");
    expect(await readFile(path.join(to, "notes.txt"), "utf8")).toBe("the operator's");
  });
});
