import type { GraphQLSchema } from "graphql";
import { AuthError, roleSatisfies, unauthenticated } from "../../auth";
import type { GraphQLContext } from "../context";
import { applyPolicies, type PolicyEnforcer } from "./apply-policies";

const enforce: PolicyEnforcer = (policy, context) => {
  const ctx = context as GraphQLContext;
  if (policy.kind === "deny") {
    throw new AuthError("FORBIDDEN", "This field declares no access policy and is denied.");
  }
  if (!ctx.viewer) {
    // A database failure while checking the token must not masquerade as "please sign in".
    if (ctx.authError) throw ctx.authError;
    throw unauthenticated(ctx.authFailure ?? "TOKEN_MISSING");
  }
  if (!roleSatisfies(ctx.viewer.user.role, policy.requires)) {
    throw new AuthError("FORBIDDEN", `This field requires the ${policy.requires} role.`);
  }
};

/** The one place authorization is enforced: `@auth(requires:)`, `@public`, deny-by-default. */
export function authDirectiveTransformer(schema: GraphQLSchema): GraphQLSchema {
  return applyPolicies(schema, enforce);
}
