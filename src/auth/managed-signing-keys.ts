import type { Auditor } from "./auditor";
import type { Clock } from "./clock";
import type { AuthLogger } from "./deps";
import { signingKeyRefused } from "./errors";
import type { KeyCipher } from "./key-cipher";
import type { AsymmetricAlgorithm } from "./key-material";
import type { KeyRing } from "./key-ring";
import { SealedKeyMaterial } from "./sealed-key-material";
import type { SecurityEventBus } from "./security-events";
import type { KeyChange, SigningKeyRecord, SigningKeyStore } from "./signing-key-records";
import {
  algorithmSwitchDue,
  dueRetirements,
  type KeySet,
  keySet,
  type KeyTiming,
  promotableAt,
  rotation,
  scheduledRotationDue,
} from "./signing-key-rules";
import { type KeyActor, type SigningKeys, viewOf, type SigningKeyView } from "./signing-keys";

export interface ManagedKeysDeps {
  store: SigningKeyStore;
  cipher: KeyCipher;
  ring: KeyRing;
  clock: Clock;
  logger: AuthLogger;
  auditor: Auditor;
  bus: SecurityEventBus;
}

const SYSTEM: KeyActor = { userId: null, client: { ip: null, userAgent: "signing-key-maintenance", requestId: null } };

/**
 * Keys kept in the database, sealed under KEY_ENCRYPTION_KEY, moved through their states by
 * compare-and-set changes: any instance may rotate or retire, and when two try at once one wins
 * and the other re-reads. A key signs only after it has been published for the promotion delay.
 */
export class ManagedSigningKeys implements SigningKeys {
  readonly managed = true;
  private readonly material: SealedKeyMaterial;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  /** When the ring last took the table's contents (epoch ms). */
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly algorithm: AsymmetricAlgorithm,
    private readonly deps: ManagedKeysDeps,
    readonly timing: KeyTiming,
  ) {
    this.material = new SealedKeyMaterial(algorithm, deps.cipher);
  }

  jwks() {
    const stale = this.deps.clock.now().getTime() - this.loadedAt > this.timing.staleAfterMs;
    return stale ? { ...this.deps.ring.jwks(), stale } : this.deps.ring.jwks();
  }

  onKeyDropped(listener: () => void): () => void {
    return this.deps.ring.onKeyDropped(listener);
  }

  async start(): Promise<void> {
    await this.ensure(await this.deps.store.list(), SYSTEM);
    // At start a CURRENT key that does not open (another KEY_ENCRYPTION_KEY) stops the server.
    this.deps.ring.replace(this.material.snapshot(await this.deps.store.list(), true, (problem) => this.problem(problem)));
    this.loadedAt = this.deps.clock.now().getTime();
  }

  private problem(message: string): void {
    this.deps.logger.error({ event: "signing_key_unusable" }, message);
  }

  /** Re-reads the key set; concurrent calls share one read, and a call during a read queues one more. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          // Stamped before the read: the contents are at least this old.
          const readAt = this.deps.clock.now().getTime();
          const records = await this.deps.store.list();
          this.deps.ring.replace(this.material.snapshot(records, false, (problem) => this.problem(problem)));
          this.loadedAt = readAt;
        } while (this.reloadAgain);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  /** Oldest first; among keys made together (a first start), the signing one first. */
  async list(): Promise<SigningKeyView[]> {
    const rank = (state: SigningKeyRecord["state"]) => ["REVOKED", "PREVIOUS", "CURRENT", "NEXT"].indexOf(state);
    const records = [...(await this.deps.store.list())].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || rank(a.state) - rank(b.state),
    );
    return records.map((record) => viewOf(record, this.timing));
  }

  async rotate(actor: KeyActor): Promise<SigningKeyView> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const records = await this.deps.store.list();
      const set = keySet(records);
      if (!set.current || !set.next || set.next.algorithm !== this.algorithm) {
        await this.ensure(records, actor);
        continue;
      }
      const now = this.deps.clock.now();
      const ready = promotableAt(set.next, this.timing).getTime();
      if (ready > now.getTime()) throw signingKeyRefused("ROTATION_TOO_EARLY", Math.ceil((ready - now.getTime()) / 1000));
      const next = await this.material.mint("NEXT", now);
      const detail = { kid: set.next.kid, previousKid: set.current.kid, nextKid: next.kid };
      const applied = await this.commit({ transitions: rotation(set, now), created: [next] }, async () => {
        await this.deps.auditor.record("signing_key_rotated", actor.client, { userId: actor.userId, detail });
        await this.auditCreated([next], actor);
        this.deps.logger.info({ event: "signing_key_rotated", ...detail }, "signing key rotated");
      });
      if (applied) return viewOf({ ...set.next, state: "CURRENT", activatedAt: now }, this.timing);
      // Another instance changed the keys first: decide again on what it left.
    }
    throw signingKeyRefused("ROTATION_TOO_EARLY", Math.ceil(this.timing.promotionDelayMs / 1000));
  }

  /**
   * Immediate: the key stops verifying here at once and on the other instances on the event. A
   * revoked CURRENT key hands signing to NEXT even if verifiers may not have fetched it yet (they
   * refetch on an unknown kid): a compromised key must not sign one more token.
   */
  async revoke(kid: string, actor: KeyActor): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const records = await this.deps.store.list();
      const target = records.find((key) => key.kid === kid);
      if (!target) throw signingKeyRefused("UNKNOWN_KEY");
      if (target.state === "REVOKED") return false;
      const now = this.deps.clock.now();
      const change = await this.revocation(target, keySet(records), now);
      const detail = { kid, state: target.state };
      const applied = await this.commit(change, async () => {
        await this.deps.auditor.record("signing_key_revoked", actor.client, { userId: actor.userId, detail });
        await this.auditCreated(change.created, actor);
        this.deps.logger.warn({ event: "signing_key_revoked", ...detail }, "signing key revoked");
      });
      if (applied) return true;
    }
    throw new Error("signing keys kept changing while revoking; try again");
  }

  /** Periodic: re-read, retire PREVIOUS keys past their window, keep a NEXT key, rotate on schedule. */
  async maintain(): Promise<void> {
    const records = await this.deps.store.list();
    const now = this.deps.clock.now();
    const set = keySet(records);
    const retirements = dueRetirements(set, now, this.timing);
    if (retirements.length > 0) {
      await this.commit({ transitions: retirements, created: [] }, async () => {
        for (const { kid } of retirements) await this.deps.auditor.record("signing_key_retired", SYSTEM.client, { detail: { kid } });
      });
    }
    if (!set.current || set.next?.algorithm !== this.algorithm) await this.ensure(records, SYSTEM);
    else if (scheduledRotationDue(set, now, this.timing) || algorithmSwitchDue(set, now, this.timing, this.algorithm)) await this.rotate(SYSTEM).catch((error: unknown) => this.deps.logger.warn({ err: error }, "scheduled signing-key rotation skipped"));
    await this.reload();
  }

  /**
   * A CURRENT and a NEXT key exist (a first start creates both; the CURRENT one signs at once), the
   * NEXT one of JWT_ALGORITHM: after the algorithm changed, a NEXT key of the old one (it never
   * signed) is replaced, and the CURRENT key signs on until the new NEXT may (see maintain).
   */
  private async ensure(records: SigningKeyRecord[], actor: KeyActor): Promise<void> {
    const set = keySet(records);
    const now = this.deps.clock.now();
    const change: KeyChange = { transitions: [], created: [] };
    const stale = set.next && set.next.algorithm !== this.algorithm ? set.next : null;
    const next = stale ? null : set.next;
    if (stale) change.transitions.push({ kid: stale.kid, from: "NEXT", to: "REVOKED", at: now });
    if (!set.current && next) change.transitions.push({ kid: next.kid, from: "NEXT", to: "CURRENT", at: now });
    if (!set.current && !next) change.created.push(await this.material.mint("CURRENT", now));
    if (!next || !set.current) change.created.push(await this.material.mint("NEXT", now));
    if (change.created.length === 0 && change.transitions.length === 0) return;
    await this.commit(change, async () => {
      if (stale) await this.deps.auditor.record("signing_key_revoked", actor.client, { userId: actor.userId, detail: { kid: stale.kid, state: "NEXT" } });
      await this.auditCreated(change.created, actor);
    });
  }

  /** Every key that comes to exist is in the audit trail, whichever change made it. */
  private async auditCreated(created: SigningKeyRecord[], actor: KeyActor): Promise<void> {
    for (const key of created) {
      await this.deps.auditor.record("signing_key_created", actor.client, { userId: actor.userId, detail: { kid: key.kid, state: key.state } });
    }
  }

  private async revocation(target: SigningKeyRecord, set: KeySet, now: Date): Promise<KeyChange> {
    const change: KeyChange = { transitions: [{ kid: target.kid, from: target.state, to: "REVOKED", at: now }], created: [] };
    if (target.state === "CURRENT" && set.next) {
      if (promotableAt(set.next, this.timing).getTime() > now.getTime()) {
        this.deps.logger.warn({ kid: set.next.kid }, "revoking the signing key promotes a NEXT key some verifiers may not have fetched yet");
      }
      change.transitions.push({ kid: set.next.kid, from: "NEXT", to: "CURRENT", at: now });
    }
    if (target.state === "CURRENT" && !set.next) change.created.push(await this.material.mint("CURRENT", now));
    if (target.state === "CURRENT" || target.state === "NEXT") change.created.push(await this.material.mint("NEXT", now));
    return change;
  }

  /**
   * Writes a change. Once it is in the database the other instances are told and it is audited,
   * whatever happens next: a failure to re-read here must not hide a revocation from the others or
   * from the trail. Then this instance reloads, so a revocation is in force here when this returns
   * (a failed re-read is thrown, after the change was told).
   */
  private async commit(change: KeyChange, onApplied: () => Promise<void>): Promise<boolean> {
    const applied = await this.deps.store.apply(change);
    if (applied) {
      this.deps.bus.publish({ type: "SIGNING_KEYS_CHANGED", at: this.deps.clock.now() });
      await onApplied();
    }
    await this.reload();
    return applied;
  }
}
