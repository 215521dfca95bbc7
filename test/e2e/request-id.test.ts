import { createLogger } from "../../src/logger";
import { signup, startServer, type TestServer } from "../support/server";
import { logSink } from "../support/capture";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("request ids", () => {
  let server: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = logSink(lines);
    server = await startServer({ logger: createLogger("info", sink) });
  });
  afterAll(() => server?.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("honours a well-formed x-request-id: echoed in the header, the errors, the audit trail and the logs", async () => {
    const pair = await signup(server, "rid@example.com");
    const res = await post(JSON.stringify({ query: `mutation { login(input: { email: "rid@example.com", password: "wrong password" }) { accessToken } }` }), {
      "x-request-id": "client-abc.123",
    });
    const body = (await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(res.headers.get("x-request-id")).toBe("client-abc.123");
    expect(body.errors[0]?.extensions).toEqual({ code: "INVALID_CREDENTIALS", requestId: "client-abc.123" });
    const events = await server.app.db.prisma.auditEvent.findMany({ where: { userId: pair.user.id, type: "login_failed" } });
    expect(events.map((e) => e.requestId)).toEqual(["client-abc.123"]);
    expect(lines.some((line) => line.includes('"reqId":"client-abc.123"'))).toBe(true);
  });

  it("replaces a malformed or oversized id with a generated UUID", async () => {
    for (const bad of ["has spaces", "x".repeat(200), "<script>"]) {
      const res = await post(JSON.stringify({ query: "{ __typename }" }), { "x-request-id": bad });
      expect(res.headers.get("x-request-id")).toMatch(UUID);
    }
  });

  it("generates one when absent, including on errors raised before GraphQL runs", async () => {
    const res = await post("{not json");
    const body = (await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(res.status).toBe(400);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(UUID);
    expect(body.errors[0]?.extensions).toEqual({ code: "BAD_REQUEST", requestId: id });
    const health = await fetch(`${server.url}/health`);
    expect(health.headers.get("x-request-id")).toMatch(UUID);
  });
});
