import { performance } from "node:perf_hooks";
import { range, signup, sleep } from "./accounts";
import { rssKiB } from "./proc";
import type { RunningServer } from "./server-process";
import { closeAll, openSockets } from "./ws-client";

const USERS = 10;
const SOCKETS = 1000;
const WARMUP_SOCKETS = 50;
/** Lets the server finish the handshakes' work (and collect their garbage) before RSS is read. */
const SETTLE_MS = 1500;

/**
 * RSS of the server process before and after 1,000 idle signed-in sockets (10 users × 100), each
 * with a `sessionEvents` subscription. The baseline is read after a first batch of sockets was
 * opened and closed, so the websocket code is loaded and compiled on both sides of the difference.
 * The server needs WS_MAX_CONNECTIONS_PER_USER ≥ 100 and WS_MAX_CONNECTIONS_PER_IP ≥ 1,000.
 */
export async function idleSocketsBench(server: RunningServer) {
  const tokens = await Promise.all(range(USERS).map((i) => signup(server.url, `idle-${i}@example.com`)));
  await closeAll(await openSockets(server.url, tokens, WARMUP_SOCKETS));
  await sleep(SETTLE_MS);
  const before = rssKiB(server.pid);
  const start = performance.now();
  const sockets = await openSockets(server.url, tokens, SOCKETS);
  const openSeconds = (performance.now() - start) / 1000;
  await sleep(SETTLE_MS);
  const after = rssKiB(server.pid);
  await closeAll(sockets);
  return {
    sockets: SOCKETS,
    "open all (s)": round(openSeconds),
    "server RSS before MiB": round(before / 1024),
    "server RSS after MiB": round(after / 1024),
    "KiB per socket": round((after - before) / SOCKETS),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
