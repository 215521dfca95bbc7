import type { KeyChange, KeyTransition, SigningKeyRecord, SigningKeyStore } from "../auth/signing-key-records";
import { SIGNING_KEY_STATES } from "../auth/signing-key-records";
import type { PublicJwk } from "../auth/key-material";
import { Prisma, type PrismaClient } from "./generated/prisma/client";
import { isUniqueViolation } from "./prisma-errors";
import { TX_OPTIONS } from "./transaction-options";

type Row = Prisma.SigningKeyGetPayload<object>;

/** Thrown inside the transaction to roll it back when a compare-and-set found the key moved. */
class LostRace extends Error {}

export class PrismaSigningKeyStore implements SigningKeyStore {
  constructor(private readonly prisma: PrismaClient) {}

  async list(): Promise<SigningKeyRecord[]> {
    const rows = await this.prisma.signingKey.findMany({ orderBy: [{ createdAt: "asc" }, { kid: "asc" }] });
    // A row this version cannot read (a newer release's state, say) is not a live key here.
    return rows.flatMap((row) => toRecord(row) ?? []);
  }

  async apply(change: KeyChange): Promise<boolean> {
    try {
      await this.prisma.$transaction(async (tx) => {
        for (const move of change.transitions) {
          const { count } = await tx.signingKey.updateMany({ where: { kid: move.kid, state: move.from }, data: dataFor(move) });
          if (count !== 1) throw new LostRace();
        }
        for (const key of change.created) await tx.signingKey.create({ data: toRow(key) });
      }, TX_OPTIONS);
      return true;
    } catch (error) {
      if (error instanceof LostRace || lostToAnotherWriter(error)) return false;
      throw error;
    }
  }
}

const UNIQUE_CONSTRAINTS = ["signing_keys_one_current", "signing_keys_one_next", "signing_keys_pkey"];

/**
 * A second CURRENT or NEXT (another instance wrote one first), or the same kid twice. Every unique
 * constraint of signing_keys means that, and the transaction touches no other table: so any P2002
 * counts. @prisma/adapter-pg names a partial expression index by its parsed fields ("(true"), not
 * by its name, so matching the name alone let a lost race throw instead of returning false.
 */
function lostToAnotherWriter(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  return UNIQUE_CONSTRAINTS.some((constraint) => isUniqueViolation(error, constraint, "kid"));
}

function dataFor(move: KeyTransition): Prisma.SigningKeyUpdateManyMutationInput {
  if (move.to === "CURRENT") return { state: move.to, activatedAt: move.at };
  if (move.to === "PREVIOUS") return { state: move.to, retiredAt: move.at };
  // Revoked or retired: the private part goes, so a later database leak cannot sign with it.
  if (move.to === "REVOKED") return { state: move.to, revokedAt: move.at, privateKey: null };
  return { state: move.to };
}

function toRow(key: SigningKeyRecord): Prisma.SigningKeyCreateInput {
  return {
    kid: key.kid,
    algorithm: key.algorithm,
    state: key.state,
    publicJwk: { ...key.publicJwk },
    privateKey: key.sealedPrivateKey,
    createdAt: key.createdAt,
    activatedAt: key.activatedAt,
    retiredAt: key.retiredAt,
    revokedAt: key.revokedAt,
  };
}

function toRecord(row: Row): SigningKeyRecord | null {
  const state = SIGNING_KEY_STATES.find((s) => s === row.state);
  const algorithm = row.algorithm === "ES256" || row.algorithm === "RS256" ? row.algorithm : null;
  if (!state || !algorithm) return null;
  return {
    kid: row.kid,
    algorithm,
    state,
    publicJwk: row.publicJwk as unknown as PublicJwk,
    sealedPrivateKey: row.privateKey,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    retiredAt: row.retiredAt,
    revokedAt: row.revokedAt,
  };
}
