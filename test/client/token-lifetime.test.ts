import { accessTokenState, isDue } from "../../src/client/token-lifetime";
import { grant } from "./fakes";

const NOW = 1_700_000_000_000;

describe("when the kit refreshes an access token", () => {
  it("30 s before expiry, counted on the browser's clock from the token's own lifetime", () => {
    const state = accessTokenState(grant("a", NOW, 900), NOW, 1);
    expect(state.expiresAt).toBe(NOW + 900_000);
    expect(state.refreshAt).toBe(NOW + 870_000);
  });

  it("a browser clock an hour off the server's changes nothing: the lifetime is exp - iat", () => {
    const serverAnHourAhead = grant("a", NOW + 3_600_000, 900);
    const state = accessTokenState(serverAnHourAhead, NOW, 1);
    expect(state.expiresAt).toBe(NOW + 900_000);
    expect(state.refreshAt).toBe(NOW + 870_000);
  });

  it("a short-lived token is refreshed at half its lifetime rather than at once", () => {
    const state = accessTokenState(grant("a", NOW, 5), NOW, 1);
    expect(state.refreshAt).toBe(NOW + 2_500);
  });

  it("a token whose claims cannot be read falls back to accessTokenExpiresAt", () => {
    const state = accessTokenState({ accessToken: "opaque", accessTokenExpiresAt: new Date(NOW + 600_000).toISOString() }, NOW, 4, 60_000);
    expect(state).toEqual({ accessToken: "opaque", expiresAt: NOW + 600_000, refreshAt: NOW + 540_000, generation: 4 });
  });

  it("a payload without a readable expiry is refused", () => {
    expect(() => accessTokenState({ accessToken: "opaque", accessTokenExpiresAt: "soon" }, NOW, 1)).toThrow(TypeError);
  });

  it("is due from refreshAt on", () => {
    const state = accessTokenState(grant("a", NOW, 900), NOW, 1);
    expect(isDue(state, state.refreshAt - 1)).toBe(false);
    expect(isDue(state, state.refreshAt)).toBe(true);
  });
});
