import type { KeyChange, KeyTransition, SigningKeyRecord, SigningKeyStore } from "../../../src/auth";

/**
 * SigningKeyStore in memory, held to the Prisma adapter's contract (test/db/contract/
 * signing-key-store.contract.ts): compare-and-set on `from`, at most one CURRENT and one NEXT, a
 * change applied whole or not at all, and a revoked key's private part erased.
 */
export class MemorySigningKeyStore implements SigningKeyStore {
  /** The stored rows, in insertion order; tests may tamper with them as a database writer could. */
  keys: SigningKeyRecord[] = [];

  async list(): Promise<SigningKeyRecord[]> {
    return [...this.keys]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.kid, b.kid))
      .map(copy);
  }

  /** Works on a copy and swaps it in only when every step held: no partial change is ever seen. */
  async apply(change: KeyChange): Promise<boolean> {
    const draft = this.keys.map(copy);
    for (const move of change.transitions) {
      const index = draft.findIndex((key) => key.kid === move.kid && key.state === move.from);
      const key = draft[index];
      if (!key) return false;
      draft[index] = moved(key, move);
      if (!singleCurrentAndNext(draft)) return false;
    }
    for (const key of change.created) {
      // The database's check constraint: this is a bug in the caller, not a lost race.
      if (key.state === "REVOKED" && key.sealedPrivateKey !== null) throw new Error("a REVOKED key must not keep its private key");
      if (draft.some((existing) => existing.kid === key.kid)) return false;
      draft.push(copy(key));
      if (!singleCurrentAndNext(draft)) return false;
    }
    this.keys = draft;
    return true;
  }
}

function moved(key: SigningKeyRecord, move: KeyTransition): SigningKeyRecord {
  if (move.to === "CURRENT") return { ...key, state: move.to, activatedAt: move.at };
  if (move.to === "PREVIOUS") return { ...key, state: move.to, retiredAt: move.at };
  if (move.to === "REVOKED") return { ...key, state: move.to, revokedAt: move.at, sealedPrivateKey: null };
  return { ...key, state: move.to };
}

function singleCurrentAndNext(keys: SigningKeyRecord[]): boolean {
  const count = (state: SigningKeyRecord["state"]) => keys.filter((key) => key.state === state).length;
  return count("CURRENT") <= 1 && count("NEXT") <= 1;
}

/** A stable tie-break among keys made at one instant (the contract pins only the createdAt order). */
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function copy(key: SigningKeyRecord): SigningKeyRecord {
  const date = (d: Date | null) => (d === null ? null : new Date(d.getTime()));
  return {
    ...key,
    publicJwk: { ...key.publicJwk },
    createdAt: new Date(key.createdAt.getTime()),
    activatedAt: date(key.activatedAt),
    retiredAt: date(key.retiredAt),
    revokedAt: date(key.revokedAt),
  };
}
