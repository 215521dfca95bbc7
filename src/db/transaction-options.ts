/**
 * Interactive transactions hold row locks: bound both the wait for a connection and the time
 * holding it. One value for every store, so no path holds locks longer than the others expect.
 */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;
