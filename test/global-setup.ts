import { existsSync } from 'node:fs';
import { POSTGRES_URL, postgresAnswersAt } from './support/postgres-url.js';

/** Says once, for the whole run, when the PostgreSQL tests are skipped (see `test/support/postgres.ts`). */
export default async function setup(): Promise<void> {
  const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) console.log(`Browser tests skipped: no Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  if (await postgresAnswersAt()) return;
  const host = new URL(POSTGRES_URL).host;
  if (process.env['REQUIRE_POSTGRES'] === '1') console.log(`PostgreSQL does not answer at ${host}: its tests will fail (REQUIRE_POSTGRES=1)`);
  else console.log(`PostgreSQL tests skipped: no server answers at ${host} (set TEST_DATABASE_URL to run them)`);
}
