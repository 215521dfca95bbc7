import { Worker } from "node:worker_threads";
import { messages, type PGlite, type QueryOptions, type Results, types } from "@electric-sql/pglite";
import { sourcePath } from "../../project-root";

/*
 * PGlite on its own thread. PGlite executes PostgreSQL as WebAssembly on the thread that owns it,
 * so on the server's thread every query stalled every request (measured: `me` p99 14.9× idle
 * while 16 refresh chains ran). Here the instance lives in a worker (worker.cjs) and this class
 * offers the part of PGlite's API the server uses (query, exec, transaction, close) to Prisma's
 * PGlite adapter, the hot statements and the migrator. The data directory stays owned by this
 * process (its lock is taken before the worker starts).
 */

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  /** `database`: PostgreSQL's error (PGlite's DatabaseError), rebuilt as one on this side. */
  error?: { database: boolean; message: string; fields: Record<string, unknown> };
}

type Parsers = QueryOptions["parsers"];

/** What a transaction callback gets, as PGlite's own Transaction offers it to the adapter. */
export interface ThreadedTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

export interface ThreadedPGliteOptions {
  startParams: string[];
  /** A fresh directory's template (loadDataDir), as bytes. */
  template: ArrayBuffer | null;
  /**
   * A data directory that PGlite's thread copies into a fresh one before PGlite opens it (never
   * with an in-memory database, and never with `template` too).
   */
  templateDir?: string | null;
}

export class ThreadedPGlite {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  private nextId = 1;
  /** Transactions and the statements outside them take turns, as PGlite's own mutex makes them. */
  private turn: Promise<unknown> = Promise.resolve();
  readonly waitReady: Promise<void>;
  closed = false;
  /** What the thread died of, when it did. */
  private failure: unknown = null;
  /** The thread ended without close() or abort(): an outage rather than a database this process closed. */
  private crashed = false;
  /** close() or abort() has begun: the thread's end is this process's doing. */
  private closing = false;

  constructor(dataDir: string | null, options: ThreadedPGliteOptions) {
    this.worker = new Worker(sourcePath(__dirname, "worker.cjs"), {
      workerData: { dataDir, startParams: options.startParams, template: options.template, templateDir: options.templateDir ?? null },
      ...(options.template ? { transferList: [options.template] } : {}),
    });
    this.waitReady = new Promise<void>((resolve, reject) => {
      const onFirst = (message: { ready?: boolean; error?: Reply["error"] }) => {
        if (message.ready === true) {
          this.worker.unref();
          resolve();
        } else reject(rebuild(message.error));
      };
      this.worker.once("message", onFirst);
      this.worker.once("error", reject);
      // A thread that ends before saying either (terminated, process.exit) must not leave the start hanging.
      this.worker.once("exit", (code) => reject(embeddedDatabaseDown(code, this.failure)));
    });
    this.worker.on("message", (message: Reply) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) this.worker.unref();
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(rebuild(message.error));
    });
    // A worker that dies fails whatever waits on it instead of leaving it hanging, and every
    // statement after it fails at once; an error thrown in it must not crash this process.
    this.worker.on("error", (error) => {
      this.failure = error;
    });
    this.worker.on("exit", (code) => {
      if (!this.closing) this.crashed = true;
      this.closed = true;
      for (const waiting of this.pending.values()) waiting.reject(this.gone(code));
      this.pending.clear();
    });
  }

  query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<Results<T>> {
    return this.inTurn(() => this.run<T>(sql, params, options));
  }

  /**
   * One statement prepared under `name` on the thread's first use of it, then only bound and run
   * (the hot statements: see worker.cjs). Parameters travel as PostgreSQL's text, as pg sends
   * them, which is what query() sends for the values the hot statements pass (text, integers,
   * booleans, nulls, each cast in the SQL). Any other value (a date, an object, bytes) sends the
   * statement through query(), whose serializers follow each parameter's type. No hot statement
   * returns an array column: those would come back as PostgreSQL's text here.
   */
  async prepared<T>(name: string, sql: string, params: unknown[]): Promise<Results<T>> {
    const text = asParameterText(params);
    if (text === null) return this.query<T>(sql, params);
    return this.inTurn(async () => parse((await this.call("prepared", sql, text, { name })) as Results<T>, undefined));
  }

  exec(sql: string, options: QueryOptions = {}): Promise<Results[]> {
    return this.inTurn(() => this.runScript(sql, options));
  }

  /** BEGIN … COMMIT around `work`, ROLLBACK if it throws or rolls back; nothing else runs meanwhile. */
  transaction<T>(work: (tx: ThreadedTransaction) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      await this.call("exec", "BEGIN");
      let rolledBack: Promise<unknown> | null = null;
      let done = false;
      // A statement after the end would run outside the transaction, or inside the next caller's.
      const open = () => {
        if (done || rolledBack) throw new Error("Transaction is closed");
      };
      const tx: ThreadedTransaction = {
        query: async <R>(sql: string, params: unknown[] = [], options: QueryOptions = {}) => (open(), this.run<R>(sql, params, options)),
        exec: async (sql: string, options: QueryOptions = {}) => (open(), this.runScript(sql, options)),
        rollback: async () => {
          rolledBack ??= this.call("exec", "ROLLBACK");
          await rolledBack;
        },
        get closed() {
          return rolledBack !== null;
        },
      };
      try {
        const result = await work(tx);
        done = true;
        await (rolledBack ?? this.call("exec", "COMMIT"));
        return result;
      } catch (error) {
        done = true;
        await (rolledBack ?? this.call("exec", "ROLLBACK")).catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    await this.inTurn(() => this.call("close", null));
    await this.worker.terminate();
    this.closed = true;
  }

  /** A closed database answers as PGlite's own did; a crashed thread is an outage. */
  private gone(exitCode: number | null): Error {
    return this.crashed ? embeddedDatabaseDown(exitCode, this.failure) : new Error("PGlite is closed");
  }

  /** Stops the thread without closing the database cleanly: for a start that failed. */
  async abort(): Promise<void> {
    this.closing = true;
    this.closed = true;
    await this.worker.terminate();
  }

  /** What the adapter and drivers are typed against; only the methods above are ever called. */
  asPGlite(): PGlite {
    return this as unknown as PGlite;
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work, work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async run<T>(sql: string, params: unknown[], options: QueryOptions): Promise<Results<T>> {
    const { parsers, ...sendable } = options;
    return parse((await this.call("query", sql, params, sendable)) as Results<T>, parsers);
  }

  private async runScript(sql: string, options: QueryOptions): Promise<Results[]> {
    const { parsers, ...sendable } = options;
    return ((await this.call("exec", sql, undefined, sendable)) as Results[]).map((result) => parse(result, parsers));
  }

  private call(op: "query" | "exec" | "prepared" | "close", sql: string | null, params?: unknown[], options?: object): Promise<unknown> {
    if (this.closed) return Promise.reject(this.gone(null));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Throws for what cannot cross threads (a function among the parameters): nothing is out then.
      this.worker.postMessage({ id, op, sql, params, options });
      // Held only while a statement is out, as PGlite on this thread held nothing: an idle
      // database never keeps the process alive, a query in flight always does.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
    });
  }
}

/**
 * Every statement once the thread has died on its own (not closed by this process). Its message
 * is one the outage classifier knows (src/db/service-unavailable.ts): callers answer
 * SERVICE_UNAVAILABLE, /ready 503.
 */
export const EMBEDDED_DATABASE_DOWN = "The embedded database is not running";

function embeddedDatabaseDown(exitCode: number | null, cause: unknown): Error {
  const detail = exitCode === null ? "" : ` (its thread exited with code ${exitCode})`;
  return Object.assign(new Error(EMBEDDED_DATABASE_DOWN), { cause: cause ?? undefined, detail: `${EMBEDDED_DATABASE_DOWN}${detail}` });
}

/**
 * Parameters as PostgreSQL's text input when each is a string, a finite number, a boolean or
 * null; otherwise null (the caller then lets query() serialize them by type).
 */
function asParameterText(params: unknown[]): (string | null)[] | null {
  const text: (string | null)[] = [];
  for (const value of params) {
    if (value === null || value === undefined) text.push(null);
    else if (typeof value === "string") text.push(value);
    else if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") text.push(String(value));
    else return null;
  }
  return text;
}

/** Text values parsed here, with the caller's parsers over PGlite's own (as PGlite would). */
function parse<T>(result: Results<T>, parsers: Parsers): Results<T> {
  const byIndex = result.fields.map((field) => field.dataTypeID);
  const value = (text: unknown, oid: number | undefined) => (typeof text === "string" && oid !== undefined ? types.parseType(text, oid, parsers) : text);
  const rows = result.rows.map((row) => {
    if (Array.isArray(row)) return row.map((cell, i) => value(cell, byIndex[i])) as T;
    const parsed: Record<string, unknown> = {};
    result.fields.forEach((field) => {
      parsed[field.name] = value((row as Record<string, unknown>)[field.name], field.dataTypeID);
    });
    return parsed as T;
  });
  return { ...result, rows };
}

/** PostgreSQL's errors come back as PGlite's DatabaseError, which Prisma's adapter recognises. */
function rebuild(error: Reply["error"]): Error {
  if (!error) return new Error("the embedded database's thread failed");
  const rebuilt =
    error.database
      ? new messages.DatabaseError(error.message, Number(error.fields.length ?? 0), "error")
      : new Error(error.message);
  return Object.assign(rebuilt, error.fields);
}
