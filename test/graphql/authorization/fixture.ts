import { makeExecutableSchema } from "@graphql-tools/schema";
import { parse } from "graphql";
import type { Role, UnauthenticatedReason, Viewer } from "../../../src/auth";
import { authorizeOperation, type ViewerState } from "../../../src/graphql";

/**
 * Shapes the real schema lacks: nested guarded types and fields at depth ≥ 2 under every root
 * type, an interface with an @auth field, a union, and a root field of each kind with no policy.
 */
export const TYPE_DEFS = `
  directive @auth(requires: Role = USER, verified: Boolean = false) on OBJECT | FIELD_DEFINITION
  directive @public on FIELD_DEFINITION
  enum Role { USER ADMIN }

  interface Node { id: ID! }
  "An @auth on an interface field binds every implementation."
  interface Owned { owner: String @auth(requires: ADMIN) }
  type Note implements Node & Owned { id: ID! text: String owner: String }
  type Vault implements Node @auth(requires: ADMIN) { id: ID! secret: String label: String @public }
  type Box implements Node { id: ID! label: String hidden: String @auth(requires: ADMIN) }
  union Item = Note | Vault | Box

  type Level2 { open: String guarded: String @auth vault: Vault up: Level1 }
  type Level1 { next: Level2 }

  type Query {
    open: String @public
    me: String @auth
    admin: String @auth(requires: ADMIN)
    verified: String @auth(verified: true)
    verifiedAdmin: String @auth(requires: ADMIN, verified: true)
    bare: String
    node: Node @public
    items: [Item!]! @public
    notes: [Note!]! @public
    level: Level1 @public
  }
  type Mutation {
    touch: Int @public
    secure: Int @auth
    admin: Int @auth(requires: ADMIN)
    bare: Int
    level: Level1 @public
  }
  type Subscription {
    ticks: Int @public
    events: Int @auth
    admin: Int @auth(requires: ADMIN)
    bare: Int
    level: Level1 @public
  }
`;

export const schema = makeExecutableSchema({ typeDefs: TYPE_DEFS });

export function viewer(role: Role, id = "u1", emailVerified = true): Viewer {
  return { user: { id, email: `${id}@example.com`, role, credentialVersion: 0, createdAt: new Date(0), emailVerified, disabled: false }, sessionId: "s1" };
}

export const signedIn = (role: Role, id = "u1", emailVerified = true): ViewerState => ({ viewer: viewer(role, id, emailVerified), authFailure: null, authError: null });
export const anonymous = (reason: UnauthenticatedReason = "TOKEN_MISSING"): ViewerState => ({ viewer: null, authFailure: reason, authError: null });

/** The decision for `source` as `{ code, reason }` (null when allowed). */
export function decide(source: string, state: ViewerState, variableValues?: Record<string, unknown>, operationName?: string) {
  const denial = authorizeOperation({ schema, document: parse(source), operationName, variableValues, viewer: state });
  return denial ? { code: denial.code, reason: denial.reason } : null;
}

export const UNAUTHENTICATED = { code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" };
export const FORBIDDEN = { code: "FORBIDDEN", reason: undefined };
