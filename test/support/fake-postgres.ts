import { createServer, type Server, type Socket } from "node:net";

/**
 * A TCP listener on loopback that misbehaves like an unavailable PostgreSQL, so the real driver
 * stack (pg, @prisma/adapter-pg, Prisma) produces its real errors without a database:
 * - "hang-up": accepts, then closes the connection at once;
 * - "silent": accepts and never answers (a stalled server);
 * - { fatal }: answers the startup message with an ErrorResponse of severity FATAL, as a server
 *   that is starting up, shutting down or full does.
 */
export type FakeBehaviour = "hang-up" | "silent" | { fatal: { code: string; message: string } };

export interface FakePostgres {
  url: string;
  close(): Promise<void>;
}

/** Backend ErrorResponse: 'E', Int32 length, then (field type byte, C string)*, then a zero byte. */
function errorResponse(code: string, message: string): Buffer {
  const fields = [
    ["S", "FATAL"],
    ["V", "FATAL"],
    ["C", code],
    ["M", message],
  ];
  const body = Buffer.concat([...fields.map(([type, value]) => Buffer.from(`${type}${value}\0`, "utf8")), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write("E", 0, "ascii");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export async function startFakePostgres(behaviour: FakeBehaviour): Promise<FakePostgres> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    if (behaviour === "hang-up") {
      socket.destroy();
    } else if (behaviour !== "silent") {
      const { code, message } = behaviour.fatal;
      socket.once("data", () => socket.end(errorResponse(code, message)));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `postgresql://fake@127.0.0.1:${port}/fake`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (until someone binds it): connections are refused at once. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
