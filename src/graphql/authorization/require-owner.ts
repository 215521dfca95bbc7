import { AuthError } from "../../auth/errors";
import { type Role, roleSatisfies } from "../../auth/types";
import { type AuthorizedViewer, missingViewer, type ViewerState } from "./viewer-state";

export interface OwnerCheckOptions {
  /** Callers with at least this role pass without owning the object (e.g. "ADMIN" for moderation). */
  allowRole?: Role;
}

/**
 * For resolvers of objects that belong to a user: field policies say who may ask at all, this says
 * whether the viewer may see or change *this* object. Returns the viewer; throws FORBIDDEN for
 * anyone else, UNAUTHENTICATED (with the context's reason) without a viewer.
 */
export function requireOwner<V extends AuthorizedViewer>(state: ViewerState<V>, ownerId: string, options: OwnerCheckOptions = {}): V {
  const viewer = state.viewer;
  if (!viewer) throw missingViewer(state);
  if (viewer.user.id === ownerId) return viewer;
  if (options.allowRole && roleSatisfies(viewer.user.role, options.allowRole)) return viewer;
  throw new AuthError("FORBIDDEN", "This object belongs to another account.");
}
