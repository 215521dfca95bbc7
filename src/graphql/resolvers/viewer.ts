import { unauthenticated, type Viewer } from "../../auth";
import type { GraphQLContext } from "../context";

/**
 * Typing aid for @auth fields. The pre-execution authorization decision already guaranteed a
 * viewer; this only narrows the type without a non-null assertion.
 */
export function viewerOf(context: GraphQLContext): Viewer {
  if (!context.viewer) throw unauthenticated(context.authFailure ?? "TOKEN_MISSING");
  return context.viewer;
}
