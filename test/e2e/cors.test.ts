import { createLogger } from "../../src/logger";
import { logSink } from "../support/capture";
import { startServer, type TestServer } from "../support/server";

const APP = "https://app.example.com";

describe("CORS for browser GraphQL clients", () => {
  let server: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startServer({ env: { CORS_ORIGINS: APP, CORS_ALLOWED_HEADERS: "x-tenant-id", LOG_LEVEL: "info" }, logger: createLogger("info", logSink(lines)) });
  });
  afterAll(async () => {
    await server?.close();
  });

  const preflight = (origin: string, headers: string) =>
    fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers },
    });

  it("allows what Apollo Client, Sandbox and tracing send, plus configured headers", async () => {
    const asked = [
      "authorization",
      "content-type",
      "apollo-require-preflight",
      "x-apollo-operation-name",
      "apollographql-client-name",
      "apollographql-client-version",
      "traceparent",
      "tracestate",
      "x-request-id",
      "x-refresh-token-transport",
      "x-tenant-id",
    ];
    const answer = await preflight(APP, asked.join(","));
    expect(answer.status).toBe(204);
    const allowed = (answer.headers.get("access-control-allow-headers") ?? "").split(",").map((h) => h.trim());
    expect(allowed).toEqual(expect.arrayContaining(asked));
    expect(answer.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("refuses a preflight from another origin with 403 and a JSON body naming CORS_ORIGINS, logged once per origin", async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await preflight("https://stranger.example", "content-type");
      expect(answer.status).toBe(403);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
      expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await answer.json()) as { error: string; message: string };
      expect(body.error).toBe("CORS_ORIGIN_NOT_ALLOWED");
      expect(body.message).toContain("CORS_ORIGINS=https://stranger.example");
      expect(JSON.stringify(body)).not.toMatch(/stack|at \w+ \(/);
    }
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; origin?: string }).filter((l) => /CORS preflight refused/.test(l.msg));
    expect(logged).toEqual([expect.objectContaining({ origin: "https://stranger.example" })]);
  });

  it("leaves ordinary requests from other origins alone (no CORS headers; the browser withholds the answer)", async () => {
    const answer = await fetch(`${server.url}/health`, { headers: { origin: "https://stranger.example" } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });
});
