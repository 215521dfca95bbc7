import { Client } from "pg";

let created = 0;

/** Runs `work` against a throw-away database created on `serverUrl`, dropped afterwards. */
export async function withFreshPostgres<T>(serverUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  // The counter keeps names apart when two are created within one millisecond (nested calls).
  const name = `auth_bench_${process.pid}_${Date.now()}_${created++}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
