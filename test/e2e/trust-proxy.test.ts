import { createLogger } from "../../src/logger";
import { TRUST_PROXY_TRUE_WARNING } from "../../src/startup-warnings";
import { logSink } from "../support/capture";
import { withServer } from "../support/server";

/** The client writes the leftmost entry; the proxy in front of us appends the address it saw. */
const FORWARDED = "203.0.113.66, 198.51.100.7";

interface Observed {
  warnings: string[];
  /** The client IP recorded for a session signed up through a proxy that sent FORWARDED. */
  ip: string;
}

async function observe(trustProxy: string): Promise<Observed> {
  const lines: string[] = [];
  const ip = await withServer({ env: { TRUST_PROXY: trustProxy }, logger: createLogger("info", logSink(lines)) }, async (server) => {
    const signup = await server.gql<{ signup: { accessToken: string } }>(
      `mutation { signup(input: { email: "proxy@example.com", password: "correct horse battery" }) { accessToken } }`,
      {},
      { headers: { "x-forwarded-for": FORWARDED } },
    );
    const token = signup.body.data?.signup.accessToken;
    if (!token) throw new Error(`signup failed: ${JSON.stringify(signup.body)}`);
    const sessions = await server.gql<{ sessions: Array<{ ip: string }> }>("{ sessions { ip } }", {}, { token });
    return sessions.body.data?.sessions[0]?.ip ?? "none";
  });
  const parsed = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
  return { warnings: parsed.filter((l) => l.level === 40).map((l) => l.msg), ip };
}

describe("TRUST_PROXY", () => {
  it("=true believes the client's own leftmost X-Forwarded-For, and says so at start", async () => {
    const { warnings, ip } = await observe("true");
    expect(ip).toBe("203.0.113.66");
    expect(warnings).toContain(TRUST_PROXY_TRUE_WARNING);
    expect(TRUST_PROXY_TRUE_WARNING).toMatch(/number of proxies.*addresses\/CIDRs/);
  });

  it.each([
    ["1", "a hop count: the address our proxy saw", "198.51.100.7"],
    ["127.0.0.0/8", "the proxy's CIDR: the address our proxy saw", "198.51.100.7"],
    ["false", "the socket address", "127.0.0.1"],
  ])("=%s records %s (%s), without the warning", async (value, _what, expected) => {
    const { warnings, ip } = await observe(value);
    expect(ip).toBe(expected);
    expect(warnings).not.toContain(TRUST_PROXY_TRUE_WARNING);
  });
});
