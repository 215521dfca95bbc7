import { judgeRefreshFailure } from "./auth-errors";
import { type KitClock, systemClock } from "./clock";
import { memoryRefreshTokenStore, type RefreshTokenStore } from "./refresh-token-store";
import { type AuthSession, type AuthSessionOptions, SessionEndedError } from "./session-api";
import { httpSessionEndpoint, type SessionEndpoint, SessionRequestError, TRANSPORT_HEADER } from "./session-endpoint";
import { singleFlight } from "./single-flight";
import { browserTabCoordinator, singleTabCoordinator, type TabCoordinator, type TabMessage } from "./tab-coordinator";
import { sameSession } from "./token-claims";
import { accessTokenState, DEFAULT_REFRESH_MARGIN_MS, isDue } from "./token-lifetime";
import type { AccessTokenState, AuthSessionEvent, EventOrigin, RefreshTransport, SessionStatus, SignOutReason, TokenGrant } from "./types";

export { SessionEndedError };
export type { AuthSession, AuthSessionOptions };

export function createAuthSession(options: AuthSessionOptions): AuthSession {
  return new KitSession(options);
}

class KitSession implements AuthSession {
  readonly transport: RefreshTransport;
  readonly credentials: "include" | undefined;
  private readonly store: RefreshTokenStore;
  private readonly endpoint: SessionEndpoint;
  private readonly coordinator: TabCoordinator;
  private readonly clock: KitClock;
  private readonly marginMs: number;
  private readonly listeners = new Set<(event: AuthSessionEvent) => void>();
  private readonly flight = singleFlight(() => this.refreshOnce());
  private readonly unlisten: () => void;
  private state: SessionStatus;
  private current: AccessTokenState | null = null;
  /** Bumped by every sign-in and sign-out: a refresh that started before one must not apply after it. */
  private epoch = 0;
  private timer: unknown = null;

  constructor(private readonly options: AuthSessionOptions) {
    this.transport = options.transport;
    this.credentials = options.transport === "cookie" ? "include" : undefined;
    this.store = options.store ?? memoryRefreshTokenStore();
    this.clock = options.clock ?? systemClock;
    this.marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.endpoint = options.endpoint ?? httpSessionEndpoint({ url: options.url, transport: options.transport, clock: this.clock, ...(options.fetch ? { fetch: options.fetch } : {}) });
    this.coordinator = options.coordinator ?? defaultCoordinator(options, this.store);
    this.unlisten = this.coordinator.onMessage((message) => this.onTabMessage(message));
    // Body mode without a stored token has nothing to restore; a cookie may always be there.
    this.state = options.transport === "body" && !this.store.load() ? "signed-out" : "unknown";
  }

  status(): SessionStatus {
    return this.state;
  }

  accessToken(): string | null {
    return this.current?.accessToken ?? null;
  }

  async freshAccessToken(): Promise<string | null> {
    if (this.state === "signed-out") return null;
    if (this.current && !isDue(this.current, this.clock.now())) return this.current.accessToken;
    try {
      return await this.refresh(this.current?.accessToken);
    } catch {
      // The server decides: a still-valid token may yet be accepted; a refused one comes back
      // as UNAUTHENTICATED, which the link or exchange handles.
      return this.accessToken();
    }
  }

  async refresh(stale?: string | null): Promise<string> {
    if (this.state === "signed-out") throw new SessionEndedError("NOT_SIGNED_IN");
    const current = this.current;
    if (stale !== undefined && current && current.accessToken !== stale && !isDue(current, this.clock.now())) return current.accessToken;
    return this.flight.run();
  }

  async signIn(grant: TokenGrant): Promise<void> {
    if (this.transport === "cookie" && grant.refreshToken) {
      throw new Error(
        "Cookie mode, but the refresh token came in the response body, so no cookie was set: send the sign-in " +
          `through the kit's link or exchange, or add the header ${TRANSPORT_HEADER}: cookie yourself.`,
      );
    }
    if (this.transport === "body" && !grant.refreshToken) {
      throw new Error("Body mode, but the response carried no refresh token (it went into a cookie): use transport \"cookie\".");
    }
    const state = accessTokenState(grant, this.clock.now(), (this.current?.generation ?? 0) + 1, this.marginMs);
    this.epoch += 1;
    if (grant.refreshToken) this.store.save(grant.refreshToken);
    this.apply(state);
    await this.coordinator.writeShared(state);
    this.coordinator.post({ type: "signed-in", state });
    this.emit({ type: "signed-in", origin: "this-tab" });
  }

  async signOut(): Promise<void> {
    const accessToken = this.accessToken();
    const refreshToken = this.transport === "body" ? this.store.load() : null;
    const hadSession = this.state !== "signed-out";
    await this.finish("SIGNED_OUT", "this-tab", hadSession);
    if (!hadSession) return;
    // Under the refresh lock: a tab refreshing right now finishes first, so the logout presents
    // the newest cookie. Failures are swallowed: this browser has forgotten the session either way.
    await this.coordinator.exclusive(() => this.endpoint.logout(refreshToken, accessToken)).catch(() => undefined);
  }

  end(reason: SignOutReason, token?: string | null): void {
    const current = this.accessToken();
    if (this.state !== "signed-in" || !current) return;
    // An answer about a token of an earlier session (before a sign-in) says nothing about this one.
    if (token !== undefined && (token === null || !sameSession(token, current))) return;
    void this.finish(reason, "this-tab", true);
  }

  requestHeaders(token: string | null): Record<string, string> {
    // A GET query (urql's default for short ones, Apollo's useGETForQueries) carries no JSON
    // content-type; this header is what lets it past the server's CSRF prevention.
    const headers: Record<string, string> = { "apollo-require-preflight": "true" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (this.transport === "cookie") headers[TRANSPORT_HEADER] = "cookie";
    return headers;
  }

  subscribe(listener: (event: AuthSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  dispose(): void {
    this.clearTimer();
    this.unlisten();
    this.listeners.clear();
    if (!this.options.coordinator) this.coordinator.close();
  }

  /** One refresh, under the cross-tab lock; the single flight shares it with every caller of this tab. */
  private refreshOnce(): Promise<string> {
    const epoch = this.epoch;
    const startedWith = this.current;
    /** A token newer than the one this refresh was started for, and not yet due: no need to ask the server. */
    const supersedes = (candidate: AccessTokenState | null) => candidate !== null && isNewer(candidate, startedWith) && !isDue(candidate, this.clock.now());
    return this.coordinator.exclusive(async () => {
      if (epoch !== this.epoch) return this.tokenOrEnded();
      // Another tab refreshed (or restored, or signed in) while this one waited for the lock: its
      // token is ours. It may come by broadcast (before or while the record is read) or from the record.
      if (supersedes(this.current)) return this.tokenOrEnded();
      const shared = await this.coordinator.readShared();
      if (epoch !== this.epoch || supersedes(this.current)) return this.tokenOrEnded();
      if (shared && supersedes(shared)) {
        if (isNewer(shared, this.current)) this.adopt(shared, "other-tab");
        return shared.accessToken;
      }
      const grant = await this.requestRefresh(epoch);
      if (epoch !== this.epoch) return this.tokenOrEnded();
      const generation = Math.max(shared?.generation ?? 0, this.current?.generation ?? 0) + 1;
      const state = accessTokenState(grant, this.clock.now(), generation, this.marginMs);
      if (grant.refreshToken) this.store.save(grant.refreshToken);
      const type = this.state === "signed-in" ? "refreshed" : "signed-in";
      this.apply(state);
      // Written before the lock is released, so the next holder finds it.
      await this.coordinator.writeShared(state);
      this.coordinator.post({ type, state });
      this.emit({ type, origin: "this-tab" });
      return state.accessToken;
    });
  }

  private async requestRefresh(epoch: number): Promise<TokenGrant> {
    const refreshToken = this.transport === "body" ? this.store.load() : null;
    if (this.transport === "body" && !refreshToken) {
      await this.finish("INVALID_REFRESH_TOKEN", "this-tab", this.state === "signed-in");
      throw new SessionEndedError("INVALID_REFRESH_TOKEN");
    }
    try {
      const grant = await this.endpoint.refresh(refreshToken);
      if (this.transport === "body" && !grant.refreshToken) throw new SessionRequestError("BAD_RESPONSE", "refreshToken answered without a refresh token in body mode");
      return grant;
    } catch (error) {
      const reason = error instanceof SessionRequestError ? judgeRefreshFailure(error.code) : null;
      if (!reason) throw error;
      // Restoring found no session: nothing to tell other tabs, which may be signing in right now.
      if (epoch === this.epoch) await this.finish(reason, "this-tab", this.state === "signed-in");
      throw new SessionEndedError(reason);
    }
  }

  private tokenOrEnded(): string {
    if (this.current && this.state === "signed-in") return this.current.accessToken;
    throw new SessionEndedError("NOT_SIGNED_IN");
  }

  private onTabMessage(message: TabMessage): void {
    if (message.type === "signed-out") {
      if (this.state !== "signed-out") void this.finish(message.reason, "other-tab", false);
      return;
    }
    if (message.type === "signed-in") {
      this.epoch += 1;
      this.adopt(message.state, "other-tab", "signed-in");
      return;
    }
    // A late message about an older token must not replace a newer one.
    if (this.state === "signed-out" || !isNewer(message.state, this.current)) return;
    this.adopt(message.state, "other-tab");
  }

  private adopt(state: AccessTokenState, origin: EventOrigin, type?: "signed-in" | "refreshed"): void {
    const event = type ?? (this.state === "signed-in" ? "refreshed" : "signed-in");
    this.apply(state);
    this.emit({ type: event, origin });
  }

  private apply(state: AccessTokenState): void {
    this.current = state;
    this.state = "signed-in";
    this.schedule(state);
  }

  /** Forgets the session here; `tellTabs` when this tab is the one that learned it ended. */
  private async finish(reason: SignOutReason, origin: EventOrigin, tellTabs: boolean): Promise<void> {
    const wasActive = this.state !== "signed-out";
    this.epoch += 1;
    this.state = "signed-out";
    this.current = null;
    this.clearTimer();
    // Another tab's sign-out already cleared a shared store, and may since have signed in again.
    if (origin === "this-tab") this.store.clear();
    if (wasActive) this.emit({ type: "signed-out", reason, origin });
    if (tellTabs) {
      this.coordinator.post({ type: "signed-out", reason });
      await this.coordinator.writeShared(null);
    }
  }

  private schedule(state: AccessTokenState): void {
    this.clearTimer();
    const delay = Math.max(0, state.refreshAt - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (this.current !== state) return;
      this.refresh(state.accessToken).catch((error: unknown) => {
        if (!(error instanceof SessionEndedError)) this.options.onBackgroundError?.(error);
      });
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private emit(event: AuthSessionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

function isNewer(candidate: AccessTokenState, current: AccessTokenState | null): boolean {
  return !current || candidate.generation > current.generation;
}

function defaultCoordinator(options: AuthSessionOptions, store: RefreshTokenStore): TabCoordinator {
  const shared = options.transport === "cookie" || store.shared;
  const wanted = options.crossTab ?? shared;
  if (!wanted) return singleTabCoordinator();
  const name = typeof wanted === "object" ? wanted.name : `graphql-auth:${absoluteUrl(options.url)}`;
  return browserTabCoordinator(name);
}

function absoluteUrl(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return base ? new URL(url, base).href : url;
  } catch {
    return url;
  }
}
