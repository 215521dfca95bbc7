import type { BrowserContext } from "playwright-core";

/**
 * A browser context as offline as a developer on a train, but for one server (the one under
 * test, on loopback): every request and websocket to anywhere else fails as a disconnected network
 * would, and is recorded, so a test can assert that none was even attempted. data: and blob: URLs
 * are not network requests and are not routed.
 */
export async function offlineButFor(context: BrowserContext, serverUrl: string): Promise<string[]> {
  const server = new URL(serverUrl);
  const attempted: string[] = [];
  const elsewhere = (url: URL) => url.origin !== server.origin;
  // A websocket's URL is ws(s): on the server's host and port.
  const socketElsewhere = (url: URL) => url.host !== server.host || url.protocol !== server.protocol.replace(/^http/, "ws");
  await context.route(elsewhere, async (route) => {
    attempted.push(route.request().url());
    await route.abort("internetdisconnected");
  });
  await context.routeWebSocket(socketElsewhere, async (socket) => {
    attempted.push(socket.url());
    await socket.close({ code: 1006 });
  });
  return attempted;
}
