import { InvalidArgumentError } from "commander";
import { ROLES, type Role, type UserRecord } from "../auth";
import type { Core } from "../core";
import { CliRefusal } from "./exit";

/** `--user`: an account's id or its email, whichever the operator has at hand. */
export async function findUserOrRefuse(core: Core, idOrEmail: string): Promise<UserRecord> {
  const user = await core.auth.admin.findUser(idOrEmail);
  if (!user) throw new CliRefusal(`No user has the id or email "${idOrEmail}".`);
  return user;
}

/** `--role`: USER or ADMIN, in any case. */
export function parseRole(value: string): Role {
  const role = ROLES.find((r) => r === value.toUpperCase());
  if (!role) throw new InvalidArgumentError(`expected ${ROLES.join(" or ")}.`);
  return role;
}

/** What the CLI shows of an account: never its credential version or anything secret. */
export function userView(user: UserRecord) {
  return { id: user.id, email: user.email, role: user.role, emailVerified: user.emailVerified, disabled: user.disabled, createdAt: user.createdAt };
}
export type UserView = ReturnType<typeof userView>;
