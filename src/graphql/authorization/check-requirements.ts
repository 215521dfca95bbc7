import { AuthError } from "../../auth/errors";
import { roleSatisfies } from "../../auth/types";
import type { Requirement } from "./field-requirements";
import type { OperationRequirements } from "./operation-requirements";
import { missingViewer, type ViewerState } from "./viewer-state";

function denial(requirement: Requirement, state: ViewerState): AuthError | null {
  if (requirement.kind === "deny") return new AuthError("FORBIDDEN", "This field declares no access policy and is denied.");
  if (!state.viewer) return missingViewer(state);
  if (!roleSatisfies(state.viewer.user.role, requirement.requires)) {
    return new AuthError("FORBIDDEN", `This field requires the ${requirement.requires} role.`);
  }
  if (requirement.verified && state.viewer.user.emailVerified !== true) {
    return new AuthError("EMAIL_NOT_VERIFIED", "This field requires a verified email address; use the link from the verification mail.");
  }
  return null;
}

/**
 * The first requirement (in document order) the caller fails, as the AuthError to answer with;
 * null when the caller may run the operation. Throws the parked infrastructure error when the
 * denial is "no viewer" and the token check itself failed.
 */
export function checkRequirements(requirements: OperationRequirements, state: ViewerState): AuthError | null {
  for (const gate of requirements.gates) {
    const denied = denial(gate.requirement, state);
    if (denied) return denied;
  }
  return null;
}
