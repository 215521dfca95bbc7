import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type PgliteTemplates, pgliteStartOptions } from "../../src/db/open-pglite";

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
