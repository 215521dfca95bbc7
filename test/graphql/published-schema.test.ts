import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema as parseSdl, findBreakingChanges } from "graphql";
import { buildSchema } from "../../src/graphql";
import { printPublishedSchema } from "../../src/graphql/published-schema";
import { MODULES } from "../../src/modules";
import { findProjectRoot } from "../../src/project-root";
import { serverSchema } from "../support/schema";

const published = () => readFileSync(path.join(findProjectRoot(), "schema.graphql"), "utf8");

describe("schema.graphql, the published contract", () => {
  it("is exactly what the registered modules print (run `npm run schema` after changing a module's SDL)", () => {
    expect(published()).toBe(printPublishedSchema(serverSchema()));
  });

  it("keeps descriptions and the @auth/@public policies, and parses on its own", () => {
    const text = published();
    expect(text).toContain('"""The signed-in user."""');
    expect(text).toMatch(/users\(after: ID, first: Int = 50\): \[User!\]! @auth\(requires: ADMIN\)/);
    expect(text).toMatch(/login\(input: LoginInput!\): AuthPayload! @public/);
    const reparsed = parseSdl(text);
    expect(findBreakingChanges(reparsed, serverSchema())).toEqual([]);
  });

  it("does not depend on the order modules are registered in", () => {
    const extra = { typeDefs: "type Note { body: String } type Query { aNote: Note @public }", resolvers: {} };
    const forward = printPublishedSchema(buildSchema([...MODULES, extra]));
    expect(forward).toContain("aNote: Note @public");
    expect(printPublishedSchema(buildSchema([extra, ...MODULES]))).toBe(forward);
  });
});
