import { Pool } from "pg";
import { Prisma } from "../../src/db/generated/prisma/client";
import { pgHotSql, statementName } from "../../src/db/hot-sql";
import { describeWithPostgres } from "../support/services";

/**
 * Hot statements are prepared per connection. A transaction-mode pooler (PgBouncer before 1.21)
 * hands a client's statements to whichever server connection is free, where the name is missing
 * or already taken: such a clash is retried unnamed, and naming stops for good.
 */
describeWithPostgres("hot SQL on pg", () => {
  let pool: Pool;
  beforeAll(() => {
    // One connection, so the clash staged below is the one the statement meets.
    pool = new Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 1 });
  });
  afterAll(() => pool.end());

  it("prepares a statement once and reuses it by name", async () => {
    const hot = pgHotSql(pool);
    const statement = (n: number) => Prisma.sql`SELECT ${n}::int + 1 AS next`;
    expect(await hot.rows(statement(1))).toEqual([{ next: 2 }]);
    expect(await hot.rows(statement(41))).toEqual([{ next: 42 }]);
    const prepared = await pool.query<{ name: string }>("SELECT name FROM pg_prepared_statements WHERE name = $1", [statementName(statement(0).text)]);
    expect(prepared.rows).toHaveLength(1);
  });

  it("a name another client already prepared on that connection (42P05) is retried unnamed, then naming stops", async () => {
    const hot = pgHotSql(pool);
    const statement = Prisma.sql`SELECT ${7}::int * 6 AS answer`;
    // What a pooler's previous client left on the server connection.
    await pool.query(`PREPARE "${statementName(statement.text)}" AS SELECT 0`);
    expect(await hot.rows(statement)).toEqual([{ answer: 42 }]);
    const other = Prisma.sql`SELECT ${2}::int AS two`;
    expect(await hot.rows(other)).toEqual([{ two: 2 }]);
    const prepared = await pool.query("SELECT name FROM pg_prepared_statements WHERE name = $1", [statementName(other.text)]);
    expect(prepared.rows).toHaveLength(0);
  });
});
