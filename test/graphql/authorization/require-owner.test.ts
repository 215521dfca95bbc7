import { requireOwner } from "../../../src/graphql";
import { anonymous, signedIn } from "./fixture";

function outcome(run: () => unknown): string {
  try {
    run();
    return "allowed";
  } catch (error) {
    const e = error as { code?: string; reason?: string };
    return [e.code, e.reason].filter(Boolean).join("/");
  }
}

describe("requireOwner", () => {
  it("returns the viewer who owns the object", () => {
    const state = signedIn("USER", "owner");
    expect(requireOwner(state, "owner")).toBe(state.viewer);
  });

  it.each([
    ["another USER", signedIn("USER", "other"), {}, "FORBIDDEN"],
    ["an ADMIN without the override", signedIn("ADMIN", "other"), {}, "FORBIDDEN"],
    ["an ADMIN with allowRole ADMIN", signedIn("ADMIN", "other"), { allowRole: "ADMIN" as const }, "allowed"],
    ["a USER with allowRole ADMIN", signedIn("USER", "other"), { allowRole: "ADMIN" as const }, "FORBIDDEN"],
    ["the owner with allowRole ADMIN", signedIn("USER", "owner"), { allowRole: "ADMIN" as const }, "allowed"],
    ["anonymous (expired token)", anonymous("TOKEN_EXPIRED"), { allowRole: "ADMIN" as const }, "UNAUTHENTICATED/TOKEN_EXPIRED"],
    ["anonymous (no token)", anonymous(), {}, "UNAUTHENTICATED/TOKEN_MISSING"],
  ])("%s → %s", (_who, state, options, expected) => {
    expect(outcome(() => requireOwner(state, "owner", options))).toBe(expected);
  });

  it("throws the parked infrastructure error rather than UNAUTHENTICATED", () => {
    const failure = new Error("database unreachable");
    expect(() => requireOwner({ viewer: null, authFailure: "TOKEN_INVALID", authError: failure }, "owner")).toThrow(failure);
  });
});
