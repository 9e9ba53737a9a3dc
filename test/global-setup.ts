import pg from 'pg';

/** Says once, for the whole run, when the PostgreSQL tests are skipped (see `test/support/postgres.ts`). */
export default async function setup(): Promise<void> {
  const url = process.env['TEST_DATABASE_URL'] ?? 'postgres://root@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
  } catch {
    if (process.env['REQUIRE_POSTGRES'] === '1') console.log(`PostgreSQL does not answer at ${new URL(url).host}: its tests will fail (REQUIRE_POSTGRES=1)`);
    else console.log(`PostgreSQL tests skipped: no server answers at ${new URL(url).host} (set TEST_DATABASE_URL to run them)`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
