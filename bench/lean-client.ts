import http from "node:http";

/**
 * GraphQL over node:http with one keep-alive agent: the lightest client Node has, for the rows
 * that compare the server with itself (refresh against `me`, which autocannon drives with a
 * hand-written HTTP/1.1 client) or with bare argon2 (login, signup). `fetch` (undici) spends
 * about 1 ms of the client's CPU per call on this 2-core machine; every microsecond it takes is
 * taken from the server it shares the cores with, and shows in its latency.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function leanGql<T>(url: string, query: string, variables: object = {}, token?: string): Promise<T> {
  const body = Buffer.from(JSON.stringify({ query, variables }));
  const headers: http.OutgoingHttpHeaders = { "content-type": "application/json", "content-length": body.length };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise<T>((resolve, reject) => {
    const request = http.request(`${url}/graphql`, { method: "POST", headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data?: T; errors?: unknown[] };
          if (!parsed.data || parsed.errors) reject(new Error(`GraphQL error: ${JSON.stringify(parsed.errors)}`));
          else resolve(parsed.data);
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}
