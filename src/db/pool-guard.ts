import type { Pool, PoolClient } from "pg";

/** pg's message when a query got no answer within `query_timeout`; pg gives it no code. */
const READ_TIMEOUT_MESSAGE = "Query read timeout";

const ignore = (): void => undefined;

/**
 * Keeps a pg Pool serving across database outages. Two gaps in pg + @prisma/adapter-pg 6.19 would
 * otherwise shrink the pool for good:
 *
 * 1. A connection that dies while checked out is never given back. When a backend goes away
 *    mid-transaction, Prisma's ROLLBACK fails on the dead client and the adapter then skips
 *    `release()`; pg-pool still counts the client, so after `max` such failures every request
 *    waits for a free slot that never comes (and `pool.end()` hangs on shutdown). So a client
 *    whose connection ends while checked out is released here, with an error so the pool drops
 *    it; its owner's own `release()`, if it ever comes, becomes a no-op instead of throwing.
 * 2. After `query_timeout`, pg abandons the query but keeps the connection, whose next query would
 *    queue behind (or read the answer of) the abandoned one. Such a connection is destroyed, which
 *    ends it and so hands it to rule 1.
 *
 * Every client also gets an 'error' listener: pg-pool listens only while a client is idle, and an
 * 'error' emitted on a checked-out client without one would crash the process. The failure still
 * reaches whoever is waiting on the query.
 */
export function guardPool(pool: Pool): void {
  const checkedOut = new WeakSet<PoolClient>();
  pool.on("acquire", (client) => checkedOut.add(client));
  pool.on("release", (_error, client) => checkedOut.delete(client));
  pool.on("connect", (client) => {
    client.on("error", ignore);
    client.once("end", () => {
      if (checkedOut.has(client)) releaseDead(client);
    });
    destroyOnReadTimeout(client);
  });
}

function releaseDead(client: PoolClient): void {
  const release = client.release;
  client.release = ignore;
  release(new Error("database connection ended while checked out"));
}

function destroyOnReadTimeout(client: PoolClient): void {
  const query = client.query;
  const guarded = function (this: PoolClient, ...args: unknown[]): unknown {
    const result: unknown = Reflect.apply(query, this, args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === READ_TIMEOUT_MESSAGE) client.connection.stream.destroy();
      });
    }
    return result;
  };
  client.query = guarded as PoolClient["query"];
}
