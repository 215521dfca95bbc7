import { PASSWORD_MIN_LENGTH } from "./credentials";

let loaded: Promise<ReadonlySet<string>> | null = null;

/**
 * The most common passwords from real breaches (zxcvbn-ts "passwords-common": ~49k lower-case
 * entries). Decompressing the list takes ~100 ms, so it happens once per process, on first use
 * rather than at import (CLIs and tests that never choose a password never pay it). Entries
 * shorter than the minimum length are dropped: such passwords are refused anyway.
 */
export function commonPasswords(): Promise<ReadonlySet<string>> {
  loaded ??= import("@zxcvbn-ts/language-common").then(({ dictionary }) => {
    const set = new Set<string>();
    for (const entry of dictionary["passwords-common"]) {
      if ([...entry].length >= PASSWORD_MIN_LENGTH) set.add(entry);
    }
    return set;
  });
  return loaded;
}
