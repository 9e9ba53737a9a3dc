import { POSTGRES_URL, postgresAnswersAt } from './support/postgres-url.js';

/** Says once, for the whole run, when the PostgreSQL tests are skipped (see `test/support/postgres.ts`). */
export default async function setup(): Promise<void> {
  if (await postgresAnswersAt()) return;
  const host = new URL(POSTGRES_URL).host;
  if (process.env['REQUIRE_POSTGRES'] === '1') console.log(`PostgreSQL does not answer at ${host}: its tests will fail (REQUIRE_POSTGRES=1)`);
  else console.log(`PostgreSQL tests skipped: no server answers at ${host} (set TEST_DATABASE_URL to run them)`);
}
