import { type Client, createClient, type FormattedExecutionResult } from "graphql-ws";

type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;
import WebSocket from "ws";

export interface Closed {
  code: number;
  reason: string;
  at: number;
}

export interface TestWsClient {
  client: Client;
  /** Resolves with the close the server sent (the client never reconnects). */
  closed: Promise<Closed>;
  /** Resolves once the server acknowledged connection_init. */
  connected: Promise<void>;
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Subscription<T>;
  dispose(): Promise<void>;
}

export interface Subscription<T> {
  results: ExecutionResult<T>[];
  /** Errors of the operation (an `error` message), if it ended with one. */
  error: Promise<ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> | null>;
  /** Resolves when `count` results have arrived. */
  nextResults(count: number, timeoutMs?: number): Promise<ExecutionResult<T>[]>;
  unsubscribe(): void;
}

/** The real graphql-ws client against a test server, never retrying, recording how it was closed. */
export function wsClient(baseUrl: string, connectionParams?: Record<string, unknown>): TestWsClient {
  let onClosed!: (closed: Closed) => void;
  let onConnected!: () => void;
  const closed = new Promise<Closed>((resolve) => (onClosed = resolve));
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    shouldRetry: () => false,
    onNonLazyError: () => undefined,
    ...(connectionParams ? { connectionParams } : {}),
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        const e = event as { code: number; reason: string };
        onClosed({ code: e.code, reason: String(e.reason), at: Date.now() });
      },
    },
  });
  return {
    client,
    closed,
    connected,
    subscribe<T>(query: string, variables?: Record<string, unknown>): Subscription<T> {
      const results: ExecutionResult<T>[] = [];
      const waiters: Array<() => void> = [];
      let settle!: (errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> | null) => void;
      const error = new Promise<ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> | null>((resolve) => (settle = resolve));
      const unsubscribe = client.subscribe<T>(
        { query, ...(variables ? { variables } : {}) },
        {
          next: (result) => {
            results.push(result);
            for (const wake of waiters.splice(0)) wake();
          },
          error: (errors) => settle(Array.isArray(errors) ? errors : [{ message: String((errors as Error)?.message ?? errors) }]),
          complete: () => settle(null),
        },
      );
      return {
        results,
        error,
        unsubscribe,
        async nextResults(count, timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          while (results.length < count) {
            if (Date.now() > deadline) throw new Error(`expected ${count} results, got ${JSON.stringify(results)}`);
            await new Promise<void>((resolve) => {
              waiters.push(resolve);
              setTimeout(resolve, 50);
            });
          }
          return results.slice(0, count);
        },
      };
    },
    dispose: () => Promise.resolve(client.dispose()),
  };
}
