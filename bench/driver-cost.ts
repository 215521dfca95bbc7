/**
 * `npx tsx bench/driver-cost.ts`: what one statement costs in this process on PostgreSQL (wall and
 * CPU µs, sequential): a Prisma model create, the same insert as a Prisma raw statement, on pg
 * (unnamed and prepared), and `SELECT 1` both ways. Why the hot statements run on the driver
 * (src/db/hot-sql.ts).
 */
import { randomUUID } from "node:crypto";
import { Pool } from "pg";
import { openDatabase, migrate } from "../src/db";
import { withFreshPostgres } from "./postgres";

async function timeIt(name: string, n: number, op: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await op(i);
  const cpu0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  const cpu = process.cpuUsage(cpu0); const t = performance.now() - t0;
  console.log(name.padEnd(40), "wall µs", (t * 1000 / n).toFixed(0).padStart(5), "user µs", (cpu.user / n).toFixed(0).padStart(5), "sys µs", (cpu.system / n).toFixed(0).padStart(5));
}

void withFreshPostgres("postgresql://postgres@127.0.0.1:5432/postgres", async (url) => {
  const db = await openDatabase(url);
  await migrate(db);
  const pool = new Pool({ connectionString: url, max: 2 });
  const n = 2000;
  const ev = () => ({ id: randomUUID(), type: "refresh_rotated", userId: null, sessionId: null, ip: "127.0.0.1", userAgent: "x", requestId: "r", detail: { withinGrace: false }, createdAt: new Date() });
  await timeIt("prisma model auditEvent.create", n, () => db.prisma.auditEvent.create({ data: ev() }));
  await timeIt("prisma $executeRaw insert", n, () => { const e = ev(); return db.prisma.$executeRaw`INSERT INTO audit_events (id, type, user_id, session_id, ip, user_agent, request_id, detail, created_at) VALUES (${e.id}::uuid, ${e.type}, ${e.userId}::uuid, ${e.sessionId}::uuid, ${e.ip}::text, ${e.userAgent}::text, ${e.requestId}::text, ${JSON.stringify(e.detail)}::jsonb, ${e.createdAt}::timestamptz)`; });
  await timeIt("pg pool insert", n, () => { const e = ev(); return pool.query("INSERT INTO audit_events (id, type, user_id, session_id, ip, user_agent, request_id, detail, created_at) VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5::text, $6::text, $7::text, $8::jsonb, $9::timestamptz)", [e.id, e.type, e.userId, e.sessionId, e.ip, e.userAgent, e.requestId, JSON.stringify(e.detail), e.createdAt]); });
  await timeIt("pg pool insert (named/prepared)", n, () => { const e = ev(); return pool.query({ name: "audit_ins", text: "INSERT INTO audit_events (id, type, user_id, session_id, ip, user_agent, request_id, detail, created_at) VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5::text, $6::text, $7::text, $8::jsonb, $9::timestamptz)", values: [e.id, e.type, e.userId, e.sessionId, e.ip, e.userAgent, e.requestId, JSON.stringify(e.detail), e.createdAt] }); });
  await timeIt("prisma $queryRaw SELECT 1", n, () => db.prisma.$queryRaw`SELECT 1 AS one`);
  await timeIt("pg pool SELECT 1", n, () => pool.query("SELECT 1 AS one"));
  await pool.end(); await db.close();
});
