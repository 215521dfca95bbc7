import { badInput } from "./errors";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
const EMAIL_MAX_LENGTH = 254;
// Deliberately permissive (RFC 5322 is not worth enforcing): one @, a dotted domain, no spaces.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
// Control characters (NUL) and lone surrogates: PostgreSQL cannot store them and Prisma cannot
// even send them as query parameters, so they must be refused as input, not fail as internal errors.
const UNSTORABLE = /[\p{Cc}\p{Cs}]/u;

/** Emails are compared trimmed and lower-cased so "A@x.io " and "a@x.io" are one account. */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH || UNSTORABLE.test(email) || !EMAIL_PATTERN.test(email)) {
    throw badInput("email", "Enter a valid email address.");
  }
  return email;
}

/**
 * NIST SP 800-63B: length limits only, no composition rules. The upper bound keeps argon2
 * input bounded. Length counts code points so emoji passwords are not penalized.
 */
export function assertAcceptablePassword(password: string, field = "password"): void {
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    throw badInput(field, `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  assertPasswordNotTooLong(password, field);
}

/**
 * For passwords being checked rather than chosen (login, current password): no minimum, since
 * the policy may have changed since they were set, but the maximum bounds argon2's input.
 */
export function assertPasswordNotTooLong(password: string, field: string): void {
  if ([...password].length > PASSWORD_MAX_LENGTH) {
    throw badInput(field, `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
}
