import { parse } from "graphql";
import { authorizeOperation, operationRequirements } from "../../../src/graphql";
import { anonymous, decide, FORBIDDEN, schema, signedIn, UNAUTHENTICATED } from "./fixture";

const USER = signedIn("USER");
const ADMIN = signedIn("ADMIN");

describe("root fields", () => {
  it.each([
    ["@public, anonymous", "{ open }", anonymous(), null],
    ["@auth, anonymous", "{ me }", anonymous(), UNAUTHENTICATED],
    ["@auth, a USER", "{ me }", USER, null],
    ["@auth(ADMIN), a USER", "{ admin }", USER, FORBIDDEN],
    ["@auth(ADMIN), an ADMIN", "{ admin }", ADMIN, null],
    ["no policy, an ADMIN", "{ bare }", ADMIN, FORBIDDEN],
    ["no policy on Mutation, an ADMIN", "mutation { bare }", ADMIN, FORBIDDEN],
    ["no policy on Subscription, an ADMIN", "subscription { bare }", ADMIN, FORBIDDEN],
    ["@auth on Subscription, anonymous", "subscription { events }", anonymous(), UNAUTHENTICATED],
    ["@auth(ADMIN) on Subscription, a USER", "subscription { admin }", USER, FORBIDDEN],
    ["@public on Subscription, anonymous", "subscription { ticks }", anonymous(), null],
  ])("%s", (_what, source, state, expected) => {
    expect(decide(source, state)).toEqual(expected);
  });
});

describe("@auth(verified: true)", () => {
  const UNVERIFIED = signedIn("USER", "u1", false);
  const NOT_VERIFIED = { code: "EMAIL_NOT_VERIFIED", reason: undefined };
  it.each([
    ["anonymous", "{ verified }", anonymous(), UNAUTHENTICATED],
    ["a verified USER", "{ verified }", USER, null],
    ["an unverified USER", "{ verified }", UNVERIFIED, NOT_VERIFIED],
    ["an unverified USER, on a plain @auth field", "{ me }", UNVERIFIED, null],
    ["the role is checked first: an unverified USER on an ADMIN field", "{ verifiedAdmin }", UNVERIFIED, FORBIDDEN],
    ["an unverified ADMIN", "{ verifiedAdmin }", signedIn("ADMIN", "u1", false), NOT_VERIFIED],
    ["a verifier-kit viewer without the flag counts as unverified", "{ verified }", { viewer: { user: { id: "u1", role: "USER" as const }, sessionId: "s1" }, authFailure: null, authError: null }, NOT_VERIFIED],
  ])("%s", (_what, source, state, expected) => {
    expect(decide(source, state)).toEqual(expected);
  });
});

describe("one decision for the whole operation", () => {
  it.each([
    ["a public and a signed-in mutation", "mutation { touch secure }", anonymous(), UNAUTHENTICATED],
    ["a signed-in and a public mutation", "mutation { secure touch }", anonymous(), UNAUTHENTICATED],
    ["a USER and an ADMIN mutation", "mutation { secure admin }", USER, FORBIDDEN],
    ["a public query beside one without policy", "{ open bare }", ADMIN, FORBIDDEN],
  ])("%s: denied as a whole", (_what, source, state, expected) => {
    expect(decide(source, state)).toEqual(expected);
  });

  it.each([
    ["{ me bare }", UNAUTHENTICATED],
    ["{ bare me }", FORBIDDEN],
    ["{ open level { next { guarded } } bare }", UNAUTHENTICATED],
  ])("the first denial in document order wins: %s", (source, expected) => {
    expect(decide(source, anonymous())).toEqual(expected);
  });

  it.each([
    ["{ level { next { vault { secret } } } bare }", "This field requires the ADMIN role."],
    ["{ bare level { next { vault { secret } } } }", "This field declares no access policy and is denied."],
  ])("the first denial's message too: %s", (source, message) => {
    expect(authorizeOperation({ schema, document: parse(source), viewer: USER })?.message).toBe(message);
  });

  it.each(["TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED", "SESSION_REVOKED"] as const)("keeps the reason %s", (reason) => {
    expect(decide("mutation { touch secure }", anonymous(reason))).toEqual({ code: "UNAUTHENTICATED", reason });
  });

  it("throws the parked infrastructure error instead of UNAUTHENTICATED", () => {
    const failure = new Error("database unreachable");
    const state = { viewer: null, authFailure: "TOKEN_INVALID" as const, authError: failure };
    expect(() => authorizeOperation({ schema, document: parse("{ open me }"), viewer: state })).toThrow(failure);
  });

  it("a parked error does not matter to an operation that needs no viewer", () => {
    const state = { viewer: null, authFailure: "TOKEN_INVALID" as const, authError: new Error("database unreachable") };
    expect(authorizeOperation({ schema, document: parse("{ open }"), viewer: state })).toBeNull();
  });

  it("a field without policy is denied before the viewer is even considered", () => {
    const state = { viewer: null, authFailure: "TOKEN_INVALID" as const, authError: new Error("database unreachable") };
    expect(authorizeOperation({ schema, document: parse("{ bare me }"), viewer: state })?.code).toBe("FORBIDDEN");
  });
});

describe("nested policies at depth ≥ 2 under every root type", () => {
  const nested = (op: string, selection: string) => `${op} { level { next { ${selection} } } }`;

  describe.each(["query", "mutation", "subscription"])("%s", (op) => {
    it("a nested @auth field: anonymous → UNAUTHENTICATED, a USER passes", () => {
      expect(decide(nested(op, "guarded"), anonymous())).toEqual(UNAUTHENTICATED);
      expect(decide(nested(op, "guarded"), USER)).toBeNull();
    });

    it("an @auth(ADMIN) object type at depth 3: a USER → FORBIDDEN, an ADMIN passes", () => {
      expect(decide(nested(op, "vault { secret }"), USER)).toEqual(FORBIDDEN);
      expect(decide(nested(op, "vault { secret }"), ADMIN)).toBeNull();
    });

    it("a field with no directive inherits its allowed parent's access", () => {
      expect(decide(nested(op, "open"), anonymous())).toBeNull();
    });
  });

  it("a field directive wins over its type's directive", () => {
    expect(decide("{ level { next { vault { label } } } }", anonymous())).toBeNull();
    expect(decide("{ level { next { vault { label secret } } } }", USER)).toEqual(FORBIDDEN);
  });
});

describe("fragments", () => {
  it.each([
    ["a named fragment", "{ ...F } fragment F on Query { me }"],
    ["an inline fragment", "{ ... on Query { me } }"],
    ["an inline fragment without type condition", "{ ... { me } }"],
    ["a fragment inside a fragment", "{ ...A } fragment A on Query { open ...B } fragment B on Query { me }"],
    ["a fragment on a nested type", "{ level { next { ...L } } } fragment L on Level2 { open guarded }"],
    ["an aliased field merged with a harmless one", "{ x: level { next { open } } x: level { next { guarded } } }"],
  ])("%s hides no denied field", (_what, source) => {
    expect(decide(source, anonymous())).toEqual(UNAUTHENTICATED);
  });

  it("a fragment whose type condition cannot match is not checked", () => {
    expect(decide("{ notes { ... on Box { hidden } text } }", anonymous())).toBeNull();
  });
});

describe("@include / @skip", () => {
  const INCLUDE = "query($v: Boolean!) { open me @include(if: $v) }";
  const SKIP = "query($v: Boolean!) { open me @skip(if: $v) }";

  it.each([
    [INCLUDE, { v: true }, UNAUTHENTICATED],
    [INCLUDE, { v: false }, null],
    [SKIP, { v: true }, null],
    [SKIP, { v: false }, UNAUTHENTICATED],
    ["query($v: Boolean = false) { open me @include(if: $v) }", {}, null],
    ["query($v: Boolean = false) { open me @include(if: $v) }", { v: true }, UNAUTHENTICATED],
    ["{ open me @skip(if: true) }", {}, null],
    ["{ open me @include(if: false) }", {}, null],
    ["{ open me @include(if: true) @skip(if: true) }", {}, null],
    ["query($v: Boolean!) { open ...F @include(if: $v) } fragment F on Query { me }", { v: false }, null],
    ["query($v: Boolean!) { open ...F @include(if: $v) } fragment F on Query { me }", { v: true }, UNAUTHENTICATED],
    ["query($v: Boolean!) { open ... @skip(if: $v) { me } }", { v: true }, null],
    ["query($v: Boolean!) { open ... @skip(if: $v) { me } }", { v: false }, UNAUTHENTICATED],
    ["query($v: Boolean!) { level { next { guarded @include(if: $v) } } }", { v: false }, null],
    ["query($v: Boolean!) { level { next { guarded @include(if: $v) } } }", { v: true }, UNAUTHENTICATED],
  ])("%s with %j", (source, variables, expected) => {
    expect(decide(source, anonymous(), variables)).toEqual(expected);
  });

  it("the same document decides per variables, never from a stale cache", () => {
    const document = parse(INCLUDE);
    const run = (v: boolean) => authorizeOperation({ schema, document, variableValues: { v }, viewer: anonymous() })?.code ?? null;
    expect([run(false), run(true), run(false), run(true)]).toEqual([null, "UNAUTHENTICATED", null, "UNAUTHENTICATED"]);
  });

  it.each([
    ["missing", {}],
    ["not a Boolean", { v: "false" }],
    ["for a variable no condition reads", { v: false, n: "x" }],
  ])("variables that do not coerce (%s): nothing can execute, the executor reports them", (_what, variables) => {
    const source = "query($v: Boolean!, $n: Int) { me @include(if: $v) secure: me }";
    expect(decide(source, anonymous(), variables)).toBeNull();
    expect(operationRequirements(schema, parse(source), undefined, variables).executable).toBe(false);
    expect(decide(source, anonymous(), { v: false, n: 1 })).toEqual(UNAUTHENTICATED);
  });

  it("a null variable for a nullable condition with a default still checks the field", () => {
    expect(decide("query($v: Boolean = false) { open me @include(if: $v) }", anonymous(), { v: null })).toEqual(UNAUTHENTICATED);
  });
});

describe("interfaces and unions", () => {
  it("a field selected on an interface must be allowed on every implementation", () => {
    // Vault (an ADMIN-only type) implements Node, so `node { id }` may read Vault.id.
    expect(decide("{ node { id } }", USER)).toEqual(FORBIDDEN);
    expect(decide("{ node { id } }", ADMIN)).toBeNull();
  });

  it("a type condition limits the check to that type", () => {
    expect(decide("{ node { ... on Note { id text } } }", anonymous())).toBeNull();
    expect(decide("{ node { ... on Box { label } } }", anonymous())).toBeNull();
    expect(decide("{ node { ... on Box { hidden } } }", USER)).toEqual(FORBIDDEN);
    expect(decide("{ node { ...V } } fragment V on Vault { secret }", USER)).toEqual(FORBIDDEN);
  });

  it("an @auth on an interface field is honoured, through the interface or on the object", () => {
    expect(decide("{ notes { owner } }", USER)).toEqual(FORBIDDEN);
    expect(decide("{ items { ... on Owned { owner } } }", USER)).toEqual(FORBIDDEN);
    expect(decide("{ notes { owner } }", ADMIN)).toBeNull();
    expect(decide("{ notes { text } }", anonymous())).toBeNull();
  });

  it("union members are checked by their own policies", () => {
    expect(decide("{ items { __typename ... on Note { text } ... on Box { label } } }", anonymous())).toBeNull();
    expect(decide("{ items { ... on Vault { secret } } }", USER)).toEqual(FORBIDDEN);
    expect(decide("{ items { ... on Node { id } } }", USER)).toEqual(FORBIDDEN);
    expect(decide("{ items { ... on Node { id } } }", ADMIN)).toBeNull();
  });
});

describe("introspection", () => {
  it.each(["{ __typename }", "{ __schema { types { name } } }", '{ __type(name: "Vault") { fields { name } } }', "{ items { __typename } }"])(
    "%s is public",
    (source) => {
      expect(decide(source, anonymous())).toBeNull();
    },
  );
});

describe("input the validator would have refused fails closed", () => {
  it.each([
    ["an unknown field", "{ nope }"],
    ["an unknown fragment", "{ ...Missing }"],
    ["an unknown type condition", "{ ... on Nope { open } }"],
    ["a fragment cycle through a field", "{ level { ...A } } fragment A on Level1 { next { open up { ...A } } }"],
  ])("%s → FORBIDDEN", (_what, source) => {
    expect(decide(source, ADMIN)).toEqual(FORBIDDEN);
  });

  it("a spread cycle within one selection is cut as graphql-js cuts it; its fields are still checked", () => {
    const source = "{ level { next { ...L } } } fragment L on Level2 { open ...M } fragment M on Level2 { guarded ...L }";
    expect(decide(source, anonymous())).toEqual(UNAUTHENTICATED);
    expect(decide(source, USER)).toBeNull();
  });

  it("an operation name that matches nothing leaves the error to the executor", () => {
    expect(decide("query A { me } query B { me }", anonymous(), {}, "C")).toBeNull();
    expect(decide("query A { me } query B { me }", anonymous())).toBeNull();
    expect(decide("query A { me } query B { open }", anonymous(), {}, "A")).toEqual(UNAUTHENTICATED);
    expect(decide("query A { me } query B { open }", anonymous(), {}, "B")).toBeNull();
  });
});
