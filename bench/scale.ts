/**
 * The scale goal of issue 11: refresh p50 and a `me` whose session check misses the cache
 * (SESSION_CACHE_TTL=0s), with 10³ and with 10⁶ sessions (each with a live refresh token) on
 * PostgreSQL. Two databases, one seeded to each size with generate_series, each behind its own
 * server, measured in alternating rounds so drift hits both; then EXPLAIN (ANALYZE, BUFFERS) of
 * each hot statement on the large one, built by the same functions the server runs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Client } from "pg";
import type { Prisma } from "../src/db/generated/prisma/client";
import { hashRefreshToken } from "../src/auth/refresh-token-codec";
import { openDatabase } from "../src/db";
import { directRotation } from "../src/db/direct-rotation";
import { readRefreshToken, refreshTokenRead, rotation } from "../src/db/optimistic-rotation";
import { sessionStateRead } from "../src/db/session-state-query";
import { BENCH_PASSWORD } from "./accounts";
import { recordGoal } from "./goals";
import { gql, PAIR, percentile } from "./measure";
import { withFreshPostgres } from "./postgres";
import { type RunningServer, startBuiltServer } from "./server-process";

const SMALL = 1_000;
const LARGE = 1_000_000;
const ROUNDS = 6;

interface Target {
  size: number;
  url: string;
  server: RunningServer;
  access: string;
  refresh: string;
  refreshMs: number[];
  meMs: number[];
}

export async function scaleGoals(postgres: string, port: number): Promise<void> {
  await withFreshPostgres(postgres, (small) =>
    withFreshPostgres(postgres, async (large) => {
      const targets = [await prepare(small, SMALL, port), await prepare(large, LARGE, port + 1)];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          for (const target of round % 2 === 0 ? targets : [...targets].reverse()) await measure(target);
        }
        const [a, b] = targets as [Target, Target];
        for (const [what, pick] of [
          ["refresh p50", (t: Target) => t.refreshMs],
          ["`me` p50, session cache miss", (t: Target) => t.meMs],
        ] as const) {
          const [p, q] = [percentile(pick(a), 50), percentile(pick(b), 50)];
          recordGoal({
            what: `${what}: 10⁶ / 10³ sessions`,
            engine: "PostgreSQL",
            measured: `${q.toFixed(2)} / ${p.toFixed(2)} ms`,
            value: q / p,
            goal: { cmp: "≤", target: 1.2 },
          });
        }
        await explainHotStatements(b);
      } finally {
        for (const target of targets) await target.server.stop();
      }
    }),
  );
}

async function prepare(databaseUrl: string, size: number, port: number): Promise<Target> {
  const { server } = await startBuiltServer(databaseUrl, port, { SESSION_CACHE_TTL: "0s" });
  const email = "scale@example.com";
  const signup = await gql<{ signup: { accessToken: string; refreshToken: string } }>(
    server.url,
    `mutation($i: SignupInput!) { signup(input: $i) { ${PAIR} } }`,
    { i: { email, password: BENCH_PASSWORD } },
  );
  const started = Date.now();
  await seed(databaseUrl, size - 1);
  console.log(`scale: seeded ${size.toLocaleString("en")} sessions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { size, url: databaseUrl, server, access: signup.signup.accessToken, refresh: signup.signup.refreshToken, refreshMs: [], meMs: [] };
}

/**
 * `count` more live sessions, each with one unrotated refresh token, spread over 1,000 users; then
 * ANALYZE, as autovacuum would after such growth.
 */
async function seed(databaseUrl: string, count: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      INSERT INTO users (id, email, password_hash, role, credential_version, created_at, updated_at)
      SELECT gen_random_uuid(), 'seed-' || i || '@scale.example', 'not-a-hash', 'USER', 0, now(), now()
        FROM generate_series(1, 1000) i`);
    await client.query(
      `
      WITH u AS (SELECT id, row_number() OVER () - 1 AS n FROM users WHERE email LIKE '%@scale.example'),
      s AS (
        INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, absolute_expires_at, credential_version)
        SELECT gen_random_uuid(), u.id, now(), now(), now() + interval '14 days', now() + interval '30 days', 0
          FROM generate_series(1, $1::int) i JOIN u ON u.n = i % 1000
        RETURNING id
      )
      INSERT INTO refresh_tokens (id, token_hash, session_id, created_at, expires_at)
      SELECT gen_random_uuid(), md5(random()::text || s.id::text) || md5(s.id::text), s.id, now(), now() + interval '14 days'
        FROM s`,
      [count],
    );
    await client.query("ANALYZE users, sessions, refresh_tokens");
  } finally {
    await client.end();
  }
}

async function measure(target: Target): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const start = process.hrtime.bigint();
    const data = await gql<{ refreshToken: { refreshToken: string } }>(
      target.server.url,
      `mutation($t: String) { refreshToken(refreshToken: $t) { ${PAIR} } }`,
      { t: target.refresh },
    );
    target.refreshMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    target.refresh = data.refreshToken.refreshToken;
  }
  for (let i = 0; i < 60; i++) {
    const start = process.hrtime.bigint();
    await gql(target.server.url, "{ me { id email role } }", {}, target.access);
    target.meMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}

function rotatedEvent(userId: string, sessionId: string, now: Date) {
  const detail = { withinGrace: false };
  return { id: randomUUID(), type: "refresh_rotated" as const, userId, sessionId, ip: "127.0.0.1", userAgent: "bench", requestId: null, detail, createdAt: now };
}

/** The rotation runs in a transaction that is rolled back, so the chain stays usable. */
async function explainHotStatements(target: Target): Promise<void> {
  const db = await openDatabase(target.url);
  const client = new Client({ connectionString: target.url });
  await client.connect();
  try {
    const hash = hashRefreshToken(target.refresh);
    const read = await readRefreshToken(db.hot, hash);
    if (!read) throw new Error("scale: the chain's refresh token is not in the database");
    const sid = (JSON.parse(Buffer.from(target.access.split(".")[1] ?? "", "base64url").toString()) as { sid: string }).sid;
    const now = new Date();
    const child = {
      id: randomUUID(),
      tokenHash: hashRefreshToken(randomBytes(32).toString("base64url")),
      sessionId: read.session.id,
      parentId: read.token.id,
      createdAt: now,
      expiresAt: read.session.expiresAt,
    };
    const statements: Array<[string, Prisma.Sql]> = [
      ["session check (cache miss)", sessionStateRead(sid)],
      ["refresh: read token, session, user", refreshTokenRead(hash)],
      ["refresh: conditional rotation", rotation({ read, marksRotation: true, child, at: now, audit: rotatedEvent(read.user.id, read.session.id, now) })],
      [
        "refresh: one-statement rotation (a first exchange)",
        directRotation({ tokenHash: hash, at: now, child: { id: child.id, tokenHash: child.tokenHash, idleExpiresAt: child.expiresAt }, audit: rotatedEvent(read.user.id, read.session.id, now) }),
      ],
    ];
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) at ${target.size.toLocaleString("en")} sessions:`);
    for (const [name, sql] of statements) {
      await client.query("BEGIN");
      try {
        const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values as unknown[]);
        console.log(`\n-- ${name}\n${plan.rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
      } finally {
        await client.query("ROLLBACK");
      }
    }
  } finally {
    await client.end();
    await db.close();
  }
}
