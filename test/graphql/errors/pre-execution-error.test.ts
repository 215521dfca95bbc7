import { unauthenticated, serviceUnavailable } from "../../../src/auth";
import { createErrorFormatter } from "../../../src/graphql";
import { PreExecutionError } from "../../../src/graphql/errors";

/** What Apollo hands the formatter for an error thrown from a plugin: no path, HTTP status in extensions. */
function format(error: unknown, translate?: (e: unknown) => ReturnType<typeof serviceUnavailable> | null) {
  const logged: unknown[] = [];
  const formatter = createErrorFormatter({ exposeInternalMessages: false, logError: (e) => logged.push(e), ...(translate ? { translate } : {}) });
  const wrapped = new PreExecutionError(error);
  return { formatted: formatter({ message: wrapped.message, extensions: { code: "INTERNAL_SERVER_ERROR" } }, wrapped), logged };
}

describe("errors raised before execution", () => {
  it("answer with HTTP 200, not Apollo's default 500", () => {
    expect(new PreExecutionError(unauthenticated("TOKEN_EXPIRED")).extensions).toEqual({ http: { status: 200 } });
  });

  it("an AuthError keeps its code and reason", () => {
    const { formatted } = format(unauthenticated("SESSION_REVOKED"));
    expect(formatted.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
    expect(formatted.path).toBeUndefined();
  });

  it("a parked infrastructure error is translated (SERVICE_UNAVAILABLE) and logged", () => {
    const outage = new Error("connect ECONNREFUSED");
    const { formatted, logged } = format(outage, (e) => (e === outage ? serviceUnavailable() : null));
    expect(formatted.extensions).toEqual({ code: "SERVICE_UNAVAILABLE" });
    expect(logged).toEqual([outage]);
  });

  it("a thrown non-Error is kept as the cause, so a translator can still read its code", () => {
    const foreign = { code: "ECONNREFUSED" };
    const original = new PreExecutionError(foreign).originalError;
    expect(original?.cause).toBe(foreign);
    const { formatted } = format(foreign, (e) => ((e as { cause?: unknown }).cause === foreign ? serviceUnavailable() : null));
    expect(formatted.extensions).toEqual({ code: "SERVICE_UNAVAILABLE" });
  });

  it("an untranslated one is masked as INTERNAL_SERVER_ERROR without a stack", () => {
    const { formatted, logged } = format(new Error("secret detail"));
    expect(formatted).toEqual({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(logged).toHaveLength(1);
  });

  it("a thrown value with no text at all (a null-prototype object) is still carried, masked when formatted", () => {
    const opaque = Object.create(null) as object;
    const error = new PreExecutionError(opaque);
    expect(error.message).toBe("Unexpected error value");
    expect(error.originalError?.cause).toBe(opaque);
    const { formatted } = format(opaque);
    expect(formatted).toEqual({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
  });
});
