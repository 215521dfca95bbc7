import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openPglite, type PgliteTemplates, pgliteStartOptions } from "../../src/db/open-pglite";

/** Which template a start uses: the lookups are stand-ins, the directory checks real. */
describe("pgliteStartOptions", () => {
  let dir: string;
  const tarball = new ArrayBuffer(8);
  const both: PgliteTemplates = { dir: () => "/built/template", tarball: async () => tarball };
  const onlyTarball: PgliteTemplates = { dir: () => null, tarball: async () => tarball };
  const none: PgliteTemplates = { dir: () => null, tarball: async () => null };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "pglite-start-options-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("copies the template directory into a fresh directory on disk, without loading the tarball", async () => {
    const options = await pgliteStartOptions(path.join(dir, "fresh"), both);
    expect(options).toMatchObject({ template: null, templateDir: "/built/template" });
  });

  it("loads the tarball into a fresh directory when the build wrote no template directory, and runs initdb without either", async () => {
    expect(await pgliteStartOptions(path.join(dir, "fresh"), onlyTarball)).toMatchObject({ template: tarball });
    expect((await pgliteStartOptions(path.join(dir, "fresh"), onlyTarball)).templateDir ?? null).toBeNull();
    expect(await pgliteStartOptions(path.join(dir, "fresh"), none)).toMatchObject({ template: null });
  });

  it("loads the tarball in memory, never the directory", async () => {
    const options = await pgliteStartOptions(null, both);
    expect(options.template).toBe(tarball);
    expect(options.templateDir ?? null).toBeNull();
  });

  it("uses no template for a directory PostgreSQL has started before (it has PG_VERSION)", async () => {
    await writeFile(path.join(dir, "PG_VERSION"), "17\n");
    const options = await pgliteStartOptions(dir, both);
    expect(options).toMatchObject({ template: null });
    expect(options.templateDir ?? null).toBeNull();
    expect(options.startParams).toEqual(expect.arrayContaining(["shared_buffers=16MB"]));
  });
});

describe("openPglite on a directory", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "open-pglite-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const modeOf = async (at: string) => ((await stat(at)).mode & 0o777).toString(8);

  it("makes a directory it creates private to this user (0700), its parents as the umask has them", async () => {
    const dataDir = path.join(dir, "parent", "data");
    const db = await openPglite(dataDir);
    await db.close();
    expect(await modeOf(dataDir)).toBe("700");
    await mkdir(path.join(dir, "made-by-mkdir"));
    expect(await modeOf(path.join(dir, "parent"))).toBe(await modeOf(path.join(dir, "made-by-mkdir")));
  }, 60_000);

  it("leaves the modes of a directory that already exists", async () => {
    const dataDir = path.join(dir, "given");
    await mkdir(dataDir);
    await chmod(dataDir, 0o750);
    const db = await openPglite(dataDir);
    await db.close();
    expect(await modeOf(dataDir)).toBe("750");
  }, 60_000);
});
