import { createServer, type Socket } from "node:net";
import { signup, startServer } from "../support/server";

/** A TCP port that accepts connections and never says a word (an SMTP server that hangs). */
async function silentSmtp(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe("shutdown with an SMTP server that never answers", () => {
  it("closes within seconds (the mail stays queued) instead of waiting out the SMTP timeouts", async () => {
    const smtp = await silentSmtp();
    const server = await startServer({ env: { SMTP_URL: smtp.url } });
    try {
      await signup(server, "ada@example.com"); // queues a verification mail; its send hangs
      expect((await server.gql("mutation { requestPasswordReset(email: \"ada@example.com\") }")).body.data).toEqual({ requestPasswordReset: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await server.close();
      // The SMTP client would wait 10 s for a greeting per mail; shutdown bounds its wait at 3 s.
      expect(Date.now() - started).toBeLessThan(8_000);
    } finally {
      await smtp.close();
    }
  }, 30_000);
});
