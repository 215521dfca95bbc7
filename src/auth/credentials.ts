import { domainToASCII } from "node:url";
import { badInput } from "./errors";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
const EMAIL_MAX_LENGTH = 254;
// Bounds the work spent on hostile input before normalization; the real limit applies after it
// (NFC can shorten a decomposed address, punycode can lengthen a Unicode domain).
const EMAIL_RAW_MAX_LENGTH = 4 * EMAIL_MAX_LENGTH;
// An address is a mailbox the server mails links to, so it must mean one mailbox to every mail
// library: a dot-atom local part (RFC 5322 atext, plus the Unicode letters, marks and digits of
// RFC 6531), and after IDNA a dotted host name of letter-digit-hyphen labels. No quotes, commas,
// parentheses, angle brackets or colons: "x<a@evil.test" or "a@evil.test,.corp.example" would be
// stored as one address and delivered to another.
const LOCAL_ATOM = "[\\p{L}\\p{M}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${LOCAL_ATOM}(\\.${LOCAL_ATOM})*$`, "u");
const DNS_LABEL = "(?!-)[a-z0-9-]{1,63}(?<!-)";
const HOST_NAME = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})+$`);
// Control characters (NUL) and lone surrogates: PostgreSQL cannot store them and Prisma cannot
// even send them as query parameters, so they must be refused as input, not fail as internal errors.
const UNSTORABLE = /[\p{Cc}\p{Cs}]/u;
// Invisible characters (bidi controls, zero-width spaces and joiners, soft hyphen, word joiner,
// BOM, fillers, variation selectors): "ad\u200Ba@x.io" would be a second account that reads
// exactly like "ada@x.io" in admin lists and the audit trail.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
// A lone surrogate is encoded as U+FFFD on its way to argon2, so "a\uD800…", "a\uDC00…" and
// "a\uFFFD…" would all be the same password.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * One canonical form per mailbox, so lookalikes cannot open a second account that reads the
 * same: the local part lower-cased in NFC (composed and decomposed "é" are one account), the
 * domain in its ASCII form after UTS #46 mapping (Unicode and punycode spellings, fullwidth
 * letters and upper case are one domain).
 */
export function normalizeEmail(raw: string): string {
  const trimmed = raw.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || trimmed.length > EMAIL_RAW_MAX_LENGTH || UNSTORABLE.test(trimmed) || INVISIBLE.test(trimmed)) {
    throw invalidEmail();
  }
  const local = trimmed.slice(0, at).toLowerCase().normalize("NFC");
  // "" when the domain is not a valid IDNA domain (forbidden characters, bad punycode).
  const domain = domainToASCII(trimmed.slice(at + 1));
  const email = `${local}@${domain}`;
  if (domain === "" || email.length > EMAIL_MAX_LENGTH || !LOCAL_PART.test(local) || !HOST_NAME.test(domain)) throw invalidEmail();
  return email;
}

function invalidEmail() {
  return badInput("email", "Enter a valid email address.");
}

/**
 * NIST SP 800-63B: length limits, no composition rules. The upper bound keeps argon2 input
 * bounded. Length counts code points so emoji passwords are not penalized. The rest of the
 * policy for chosen passwords (blocklist, email, repeats, breaches) is in password-policy.ts.
 */
export function assertAcceptablePassword(password: string, field = "password"): void {
  assertCheckablePassword(password, field);
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    throw badInput(field, `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
}

/**
 * For every password that enters, including those being checked rather than chosen (login,
 * current password): no minimum, since the policy may have changed since they were set, but
 * well-formed and bounded.
 */
export function assertCheckablePassword(password: string, field: string): void {
  if (LONE_SURROGATE.test(password)) {
    throw badInput(field, "Password contains an invalid character (an unpaired UTF-16 surrogate).");
  }
  if ([...password].length > PASSWORD_MAX_LENGTH) {
    throw badInput(field, `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
}
