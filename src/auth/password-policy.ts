import { commonPasswords } from "./common-passwords";
import { assertAcceptablePassword } from "./credentials";
import { badInput } from "./errors";
import type { BreachedPasswordCheck } from "./ports";

// Shorter local parts ("a", "jo", "bob") are common substrings of unrelated passphrases;
// forbidding them would refuse good passwords without stopping any real guess.
const LOCAL_PART_MIN_LENGTH = 4;

export interface ChosenPassword {
  password: string;
  /** The account's normalized email: a password built from it is among the first guesses. */
  email: string;
  /** The input field reported with a refusal ("password", "newPassword"). */
  field: string;
}

/**
 * Rules for passwords being chosen (signup, new password, bootstrap admin), never for passwords
 * being checked at login: an existing password must keep working when the policy tightens.
 */
export class PasswordPolicy {
  constructor(private readonly breaches: BreachedPasswordCheck | null = null) {}

  /** Local rules only: deterministic, no network, so a bad bootstrap setting fails every boot alike. */
  async assertAcceptable({ password, email, field }: ChosenPassword): Promise<void> {
    assertAcceptablePassword(password, field);
    // Case-insensitive and canonical, like the list and the stored email.
    const folded = password.normalize("NFC").toLowerCase();
    if (new Set(folded).size === 1) {
      throw badInput(field, "This password is one character repeated; choose another.");
    }
    if (containsEmail(folded, email)) {
      throw badInput(field, "This password contains your email address; choose another.");
    }
    if ((await commonPasswords()).has(folded)) {
      throw badInput(field, "This password is too common; choose another.");
    }
  }

  /** The local rules, then (when configured) the breach corpus: the network only for passwords that pass the cheap checks. */
  async assertChosen(chosen: ChosenPassword): Promise<void> {
    await this.assertAcceptable(chosen);
    await this.assertNotBreached(chosen);
  }

  /** The breach corpus alone (no-op when none is configured), for callers that ran the local rules earlier. */
  async assertNotBreached(chosen: ChosenPassword): Promise<void> {
    if (this.breaches && (await this.breaches.isBreached(chosen.password))) {
      throw badInput(chosen.field, "This password has appeared in a data breach; choose another.");
    }
  }
}

/** The whole address always counts; the local part alone only when it is long enough to mean something. */
function containsEmail(folded: string, email: string): boolean {
  const local = email.slice(0, email.lastIndexOf("@"));
  return folded.includes(email) || ([...local].length >= LOCAL_PART_MIN_LENGTH && folded.includes(local));
}
