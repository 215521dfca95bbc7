import { browserEnvironment, type StorageLike } from "./browser-apis";

/**
 * Where body mode keeps the refresh token. Cookie mode never stores it: the browser holds it in an
 * HttpOnly cookie no script can read.
 */
export interface RefreshTokenStore {
  /**
   * True when every tab of the profile sees the same token (localStorage): the tabs then share one
   * session and coordinate refreshes. False (memory): each tab signs in on its own.
   */
  readonly shared: boolean;
  load(): string | null;
  save(token: string): void;
  clear(): void;
}

/**
 * The default: the token lives as long as the tab and no longer. A refresh token is a credential
 * that outlives the access token by days; kept in memory, a script injected into the page (XSS)
 * can use it only while the page is open and cannot carry it off from disk later. Browser apps
 * that want sessions to survive a reload should use cookie mode, not localStorage.
 */
export function memoryRefreshTokenStore(): RefreshTokenStore {
  let token: string | null = null;
  return {
    shared: false,
    load: () => token,
    save: (next) => void (token = next),
    clear: () => void (token = null),
  };
}

/**
 * Opt-in persistence across reloads and tabs, for body mode where cookies are not an option.
 * Any script of the origin can read localStorage: weigh that against cookie mode.
 */
export function localStorageRefreshTokenStore(key = "graphql-auth:refresh-token", storage?: StorageLike): RefreshTokenStore {
  const target = storage ?? browserEnvironment().localStorage;
  if (!target) throw new Error("localStorage is not available here; use memoryRefreshTokenStore() or cookie mode");
  return {
    shared: true,
    load: () => target.getItem(key),
    save: (token) => target.setItem(key, token),
    clear: () => target.removeItem(key),
  };
}
