import { AUTH_ERROR_CODES, REFRESH_TOKEN_REASONS, UNAUTHENTICATED_REASONS } from "../../src/auth/errors";
import {
  INVALID_REFRESH_TOKEN,
  judgeErrors,
  judgeRefreshFailure,
  REFRESH_TOKEN_REUSED,
  SESSION_REVOKED,
  UNAUTHENTICATED,
  WS_SESSION_REVOKED,
  WS_TOKEN_REFUSED,
} from "../../src/client/auth-errors";
import { WS_CLOSE } from "../../src/ws/close-codes";

const error = (code: string, reason?: string) => ({ message: code, extensions: { code, ...(reason ? { reason } : {}) } });

describe("which errors concern the session", () => {
  it.each(["TOKEN_EXPIRED", "TOKEN_INVALID", "TOKEN_MISSING"])("UNAUTHENTICATED %s: refresh and replay", (reason) => {
    expect(judgeErrors([error("UNAUTHENTICATED", reason)])).toEqual({ action: "refresh" });
  });

  it("UNAUTHENTICATED SESSION_REVOKED, REFRESH_TOKEN_REUSED, INVALID_REFRESH_TOKEN: sign out, with the reason", () => {
    expect(judgeErrors([error("UNAUTHENTICATED", "SESSION_REVOKED")])).toEqual({ action: "sign-out", reason: "SESSION_REVOKED" });
    expect(judgeErrors([error("REFRESH_TOKEN_REUSED")])).toEqual({ action: "sign-out", reason: "REFRESH_TOKEN_REUSED" });
    expect(judgeErrors([error("INVALID_REFRESH_TOKEN", "REFRESH_TOKEN_MISSING")])).toEqual({ action: "sign-out", reason: "INVALID_REFRESH_TOKEN" });
  });

  it("a revocation anywhere in the errors wins over an expired token", () => {
    expect(judgeErrors([error("UNAUTHENTICATED", "TOKEN_EXPIRED"), error("UNAUTHENTICATED", "SESSION_REVOKED")])).toEqual({
      action: "sign-out",
      reason: "SESSION_REVOKED",
    });
  });

  it.each(["FORBIDDEN", "BAD_USER_INPUT", "TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR", "INVALID_CREDENTIALS"])(
    "%s is the application's business",
    (code) => {
      expect(judgeErrors([error(code)])).toEqual({ action: "none" });
    },
  );

  it("no errors, or errors without extensions, concern nothing", () => {
    expect(judgeErrors(undefined)).toEqual({ action: "none" });
    expect(judgeErrors([{ message: "network" }, { message: "x", extensions: null }])).toEqual({ action: "none" });
  });

  it("a refused refresh ends the session only for a dead refresh token; outages and rate limits pass", () => {
    expect(judgeRefreshFailure("INVALID_REFRESH_TOKEN")).toBe("INVALID_REFRESH_TOKEN");
    expect(judgeRefreshFailure("REFRESH_TOKEN_REUSED")).toBe("REFRESH_TOKEN_REUSED");
    for (const passing of ["TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE", "NETWORK_ERROR", "BAD_RESPONSE", "INTERNAL_SERVER_ERROR"]) {
      expect(judgeRefreshFailure(passing)).toBeNull();
    }
  });
});

describe("the kit's copy of the server's contract", () => {
  it("names codes and reasons the server can send", () => {
    expect(AUTH_ERROR_CODES).toEqual(expect.arrayContaining([UNAUTHENTICATED, INVALID_REFRESH_TOKEN, REFRESH_TOKEN_REUSED]));
    expect(UNAUTHENTICATED_REASONS).toEqual(["TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED", SESSION_REVOKED]);
    expect(REFRESH_TOKEN_REASONS).toContain("REFRESH_TOKEN_MISSING");
  });

  it("uses the server's websocket close codes", () => {
    expect(WS_TOKEN_REFUSED).toBe(WS_CLOSE.UNAUTHENTICATED);
    expect(WS_SESSION_REVOKED).toBe(WS_CLOSE.SESSION_REVOKED);
  });
});
