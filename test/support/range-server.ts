import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type RangeMode = "ok" | "hang" | "error" | "huge";

export interface RangeServer {
  url: string;
  /** Every request received, in order. */
  requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders }>;
  mode: RangeMode;
  close(): Promise<void>;
}

export const sha1Hex = (password: string) => createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();

/**
 * A local Pwned Passwords range API (GET /range/{5 hex}): `breached` passwords are listed with
 * their count, `padded` ones with count 0 (as Add-Padding decoys are), among random decoys.
 * "hang" never answers; "error" answers 500; "huge" answers 200 with 2 MB of decoys.
 */
export async function startRangeServer(breached: Record<string, number>, padded: string[] = []): Promise<RangeServer> {
  const requests: RangeServer["requests"] = [];
  const entries = [
    ...Object.entries(breached).map(([password, count]) => [sha1Hex(password), count] as const),
    ...padded.map((password) => [sha1Hex(password), 0] as const),
  ];
  const state = { mode: "ok" as RangeMode };
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers });
    if (state.mode === "hang") return;
    if (state.mode === "huge") {
      res.writeHead(200, { "content-type": "text/plain" }).end(`${"0".repeat(35)}:0\r\n`.repeat(52_000));
      return;
    }
    const prefix = /^\/range\/([0-9A-F]{5})$/.exec(req.url ?? "")?.[1];
    if (state.mode === "error" || !prefix) {
      res.writeHead(state.mode === "error" ? 500 : 404).end();
      return;
    }
    const decoys = Array.from({ length: 40 }, () => `${randomBytes(18).toString("hex").slice(0, 35).toUpperCase()}:0`);
    const listed = entries.filter(([hash]) => hash.startsWith(prefix)).map(([hash, count]) => `${hash.slice(5)}:${count}`);
    res.writeHead(200, { "content-type": "text/plain" }).end([...decoys.slice(0, 20), ...listed, ...decoys.slice(20)].join("\r\n"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(mode: RangeMode) {
      state.mode = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
