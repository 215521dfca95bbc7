import { parse } from "graphql";
import { checkRequirements, operationRequirements } from "../../../src/graphql";
import { anonymous, schema, signedIn } from "./fixture";

const requirements = (source: string, variables?: Record<string, unknown>) => operationRequirements(schema, parse(source), undefined, variables);

describe("operationRequirements", () => {
  it("lists each distinct requirement once, at the first field (response path) imposing it", () => {
    const result = requirements("{ open a: me b: me level { next { x: vault { secret } } } c: admin }");
    expect(result.gates).toEqual([
      { requirement: { kind: "role", requires: "USER", verified: false }, path: ["a"] },
      { requirement: { kind: "role", requires: "ADMIN", verified: false }, path: ["level", "next", "x", "secret"] },
    ]);
    expect(result).toMatchObject({ denyAll: false, needsViewer: true, role: "ADMIN", executable: true });
  });

  it("a public operation requires nothing", () => {
    expect(requirements("{ open level { next { open } } }")).toEqual({ gates: [], denyAll: false, needsViewer: false, role: null, executable: true });
  });

  it("a field without policy denies all", () => {
    expect(requirements("subscription { bare }")).toMatchObject({ denyAll: true, needsViewer: false, role: null });
  });

  it("gives a subscription's highest role, for re-checking a running subscription when the role drops", () => {
    const result = requirements("subscription { level { next { vault { secret } } } }");
    expect(result.role).toBe("ADMIN");
    expect(checkRequirements(result, signedIn("ADMIN"))).toBeNull();
    expect(checkRequirements(result, signedIn("USER"))?.code).toBe("FORBIDDEN");
    expect(checkRequirements(result, anonymous("SESSION_REVOKED"))).toMatchObject({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
  });

  it("is computed once per document and operation when no condition reads a variable", () => {
    const document = parse("query A { me @skip(if: false) } query B { open }");
    const first = operationRequirements(schema, document, "A", { unused: 1 });
    expect(operationRequirements(schema, document, "A", {})).toBe(first);
    expect(operationRequirements(schema, document, "B", {})).not.toBe(first);
    expect(operationRequirements(schema, document, "B", {}).gates).toEqual([]);
  });

  it("coerces the variables of a cached operation on every call", () => {
    const document = parse("query($n: Int) { me }");
    expect(operationRequirements(schema, document, undefined, { n: 1 }).needsViewer).toBe(true);
    expect(operationRequirements(schema, document, undefined, { n: "x" }).executable).toBe(false);
    expect(operationRequirements(schema, document, undefined, {}).needsViewer).toBe(true);
  });

  it("is recomputed per request when a condition reads a variable", () => {
    const document = parse("query($v: Boolean!) { me @include(if: $v) }");
    const on = operationRequirements(schema, document, undefined, { v: true });
    const off = operationRequirements(schema, document, undefined, { v: false });
    expect([on.needsViewer, off.needsViewer]).toEqual([true, false]);
    expect(operationRequirements(schema, document, undefined, { v: true })).not.toBe(on);
  });
});
