import { type AuthSession, createAuthSession } from "../../src/client/auth-session";
import type { SessionEndpoint } from "../../src/client/session-endpoint";
import { singleTabCoordinator } from "../../src/client/tab-coordinator";
import type { TokenGrant } from "../../src/client/types";
import { deferred, grant, manualClock } from "./fakes";

export interface SeenRequest {
  operationName: string | null;
  token: string | null;
  transportHeader: string | null;
  credentials: string | undefined;
}

/**
 * A GraphQL endpoint reduced to its auth answers, behind a fetch: tokens it accepts answer data,
 * others UNAUTHENTICATED with the reason the real server would give.
 */
export function fakeApi() {
  const accepted = new Set<string>();
  const revoked = new Set<string>();
  const seen: SeenRequest[] = [];
  /** The server refuses every token, fresh ones too (say, its clock runs far ahead). */
  const settings = { refuseAll: false };
  /** Requests whose answers wait for the test (index in `seen` → release). */
  const held = new Map<number, Promise<void>>();
  const unauthenticated = (reason: string) => ({ errors: [{ message: reason, extensions: { code: "UNAUTHENTICATED", reason } }], data: null });
  const fetch = async (url: unknown, init?: { headers?: unknown; body?: unknown; credentials?: string }) => {
    const headers = new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]);
    const token = headers.get("authorization")?.replace(/^Bearer /, "") ?? null;
    // urql sends short queries as GET, Apollo Client everything as POST.
    const operationName = init?.body
      ? ((JSON.parse(String(init.body)) as { operationName?: string }).operationName ?? null)
      : new URL(String(url)).searchParams.get("operationName");
    seen.push({ operationName, token, transportHeader: headers.get("x-refresh-token-transport"), credentials: init?.credentials });
    const answer = !token
      ? unauthenticated("TOKEN_MISSING")
      : revoked.has(token)
        ? unauthenticated("SESSION_REVOKED")
        : accepted.has(token) && !settings.refuseAll
          ? { data: { me: { __typename: "User", id: "u1", email: "u1@example.com" } } }
          : unauthenticated("TOKEN_EXPIRED");
    await held.get(seen.length - 1);
    return new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } });
  };
  /** The answer to request number `index` (0-based) waits until the returned function is called. */
  const hold = (index: number) => {
    const release = deferred<void>();
    held.set(index, release.promise);
    return () => release.resolve();
  };
  return { accepted, revoked, seen, settings, hold, fetch };
}

/**
 * A session whose refreshes wait at a gate the test opens, so it can let every operation fail
 * before the one refresh answers. Each refresh answers the next token in `tokens`.
 */
export async function gatedSession(api: ReturnType<typeof fakeApi>, transport: "cookie" | "body" = "cookie") {
  const clock = manualClock();
  let gate = deferred<void>();
  const refreshes: Array<string | null> = [];
  let next = 2;
  const endpoint: SessionEndpoint & { failWith: Error | null } = {
    failWith: null,
    async refresh(refreshToken) {
      refreshes.push(refreshToken);
      await gate.promise;
      if (endpoint.failWith) throw endpoint.failWith;
      const fresh: TokenGrant = grant(`t${next++}`, clock.now(), 900, transport === "body" ? `r${next}` : null);
      api.accepted.add(fresh.accessToken);
      return fresh;
    },
    logout: async () => undefined,
  };
  const session: AuthSession = createAuthSession({ url: "/graphql", transport, clock, endpoint, coordinator: singleTabCoordinator() });
  const first = grant("t1", clock.now(), 900, transport === "body" ? "r1" : null);
  await session.signIn(first);
  return {
    session,
    clock,
    endpoint,
    refreshes,
    firstToken: first.accessToken,
    openGate: () => gate.resolve(),
    closeGate: () => void (gate = deferred<void>()),
  };
}

/**
 * Waits (on real turns of the event loop, never a timed sleep) until `condition` holds, for at most
 * 5 s. Bounded by time, not turns: a fake that answers after a 5 ms timer (fakeProfile's slow
 * record) saw 1,000 idle turns pass before its timer fired.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}
