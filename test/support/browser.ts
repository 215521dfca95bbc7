import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

/**
 * Debian's Chromium (`apt-get install chromium`), never a downloaded build: this machine reaches only
 * the npm registry and Debian's mirrors. `.ci/run` installs it when missing.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Chromium's own background traffic (updates, sync, QUIC probes) is off, so a test sees only the page's requests. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  /** A fresh profile-isolated context (its own cookies, storage, BroadcastChannel scope). */
  context(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * A headless Chromium. Playwright gives every launch a fresh temporary profile (its own
 * `--user-data-dir`, deleted on close), so no state leaks between runs. Two pages of one context
 * are two tabs of one profile: they share cookies, storage, BroadcastChannel and Web Locks.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return { context: () => browser.newContext(), close: () => browser.close() };
}
