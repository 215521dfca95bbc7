import { createLogger, resolveLogFormat } from "../src/logger";
import { logSink } from "./support/capture";

describe("log format", () => {
  it("auto is pretty only for a development server writing to a terminal", () => {
    expect(resolveLogFormat("auto", "development", true)).toBe("pretty");
    expect(resolveLogFormat("auto", "development", false)).toBe("json");
    expect(resolveLogFormat("auto", "production", true)).toBe("json");
    expect(resolveLogFormat("auto", "test", true)).toBe("json");
    expect(resolveLogFormat("json", "development", true)).toBe("json");
    expect(resolveLogFormat("pretty", "production", false)).toBe("pretty");
  });

  it("pretty writes a request as one human line, and other entries with their fields on the same line", () => {
    const lines: string[] = [];
    const logger = createLogger("info", logSink(lines), "pretty");
    logger.info({ reqId: "r1", req: { method: "POST", url: "/graphql?x=1" }, res: { statusCode: 200 }, responseTime: 4.1, operation: "Login" }, "request completed");
    logger.warn({ origin: "https://evil.example" }, "CORS preflight refused");
    logger.info({ input: { password: "hunter2-secret" } }, "redaction still applies");
    const output = lines.join("");
    const rows = output.trimEnd().split("\n");
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: POST \/graphql 200 4\.1 ms Login$/);
    expect(rows[1]).toMatch(/WARN: CORS preflight refused \{"origin":"https:\/\/evil\.example"\}$/);
    expect(output).not.toContain("hunter2-secret");
    expect(output).not.toContain("x=1");
  });

  it("json stays one JSON object per line", () => {
    const lines: string[] = [];
    createLogger("info", logSink(lines)).info({ operation: "Login" }, "request completed");
    expect(JSON.parse(lines.join(""))).toEqual(expect.objectContaining({ msg: "request completed", operation: "Login" }));
  });
});
