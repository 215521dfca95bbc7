import { RawClient } from "../support/raw-socket";
import { startServer, type TestServer } from "../support/server";

/**
 * Slowloris: a client that trickles a byte at a time must not hold a connection open. Small limits
 * (whole seconds) so the test runs quickly; each trickle would go on far longer than the bound.
 */
const SMALL = { HTTP_HEADERS_TIMEOUT: "1s", HTTP_REQUEST_TIMEOUT: "2s", HTTP_KEEPALIVE_TIMEOUT: "1s", HTTP_CONNECTION_TIMEOUT: "30s" };
const HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
/** Headers complete at once; the body is then due byte by byte. */
const SLOW_POST = "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n";
const TRICKLE_MS = 200;
/** Generous: the limit, plus Node's sweep (≤ 1 s), plus a loaded 2-core machine. */
const SLACK_MS = 2500;

async function expectClosedByServer(client: RawClient, limitMs: number): Promise<number> {
  const closedAfter = await client.closedWithin(limitMs + SLACK_MS);
  expect(closedAfter).not.toBeNull();
  // Not before the limit: it was the timeout, not some parse error, that ended the connection.
  expect(closedAfter).toBeGreaterThanOrEqual(limitMs - 100);
  return closedAfter ?? -1;
}

/** `work` gets `count` open sockets (at least one); all are destroyed afterwards, whatever happened. */
async function withClients<T>(server: TestServer, count: number, work: (clients: [RawClient, ...RawClient[]]) => Promise<T>): Promise<T> {
  const clients = await Promise.all(Array.from({ length: count }, () => RawClient.open(server.url)));
  try {
    const [first, ...rest] = clients;
    if (!first) throw new Error("no client");
    return await work([first, ...rest]);
  } finally {
    for (const client of clients) client.destroy();
  }
}

describe("HTTP timeouts through the real server (small limits)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: SMALL });
  });
  afterAll(() => server?.close());

  it("closes a connection that trickles its headers, after HTTP_HEADERS_TIMEOUT, with a 408", async () => {
    await withClients(server, 1, async ([client]) => {
      client.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
      client.trickle("abcdefghij", TRICKLE_MS);
      await expectClosedByServer(client, 1000);
      expect(client.received).toMatch(/^HTTP\/1\.1 408 /);
    });
  });

  it("closes a connection that trickles its body, after HTTP_REQUEST_TIMEOUT", async () => {
    await withClients(server, 1, async ([client]) => {
      client.write(`${SLOW_POST}{`);
      client.trickle(" ", TRICKLE_MS);
      await expectClosedByServer(client, 2000);
    });
  });

  it("closes a connection that opens and sends nothing", async () => {
    await withClients(server, 1, async ([client]) => {
      await expectClosedByServer(client, 1000);
    });
  });

  it("closes the second request of a keep-alive connection when that one trickles", async () => {
    await withClients(server, 1, async ([client]) => {
      client.write(HEALTH);
      expect((await client.responses(1))[0]?.status).toBe(200);
      const startedAt = Date.now();
      client.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
      client.trickle("abc", TRICKLE_MS);
      expect(await client.closedWithin(1000 + SLACK_MS)).not.toBeNull();
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
    });
  });

  it("50 trickling connections at once are all closed, and normal requests are served meanwhile", async () => {
    await withClients(server, 50, async (clients) => {
      clients.forEach((client, i) => {
        client.write(i % 2 === 0 ? "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " : SLOW_POST);
        client.trickle("abc", TRICKLE_MS);
      });
      const served = await server.gql("{ __typename }");
      expect(served.body).toEqual({ data: { __typename: "Query" } });
      const closed = await Promise.all(clients.map((c) => c.closedWithin(2000 + SLACK_MS)));
      expect(closed.filter((ms) => ms === null)).toEqual([]);
    });
  });

  it("a keep-alive client reuses its connection; the idle connection is closed after HTTP_KEEPALIVE_TIMEOUT", async () => {
    await withClients(server, 1, async ([client]) => {
      client.write(HEALTH);
      const [first] = await client.responses(1);
      expect(first?.status).toBe(200);
      expect(first?.headers["keep-alive"]).toBe("timeout=1");
      // Well inside the keep-alive window: the same socket serves a second request.
      client.write(HEALTH);
      const both = await client.responses(2);
      expect(both.map((r) => [r.status, r.body])).toEqual([[200, '{"status":"ok"}'], [200, '{"status":"ok"}']]);
      const idleFrom = Date.now();
      // Node adds a 1 s buffer to the keep-alive timeout before it closes the socket.
      expect(await client.closedWithin(1000 + 1000 + SLACK_MS)).not.toBeNull();
      expect(Date.now() - idleFrom).toBeGreaterThanOrEqual(900);
    });
  });
});

describe("HTTP timeouts: socket idle limit, other limits at their defaults", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { HTTP_CONNECTION_TIMEOUT: "1s" } });
  });
  afterAll(() => server?.close());

  it("applies the documented defaults for the others", () => {
    const http = server.app.http.server;
    expect([http.requestTimeout, http.headersTimeout, http.keepAliveTimeout, http.timeout]).toEqual([30_000, 10_000, 5_000, 1_000]);
  });

  it("closes a socket that goes silent mid-body, long before the 30 s request limit", async () => {
    await withClients(server, 1, async ([client]) => {
      client.write(`${SLOW_POST}{`);
      await expectClosedByServer(client, 1000);
    });
  });

  it("serves an ordinary keep-alive client", async () => {
    for (let i = 0; i < 5; i++) expect((await server.gql("{ __typename }")).body).toEqual({ data: { __typename: "Query" } });
  });
});
