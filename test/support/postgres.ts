import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { POSTGRES_URL, postgresAnswersAt } from './postgres-url.js';

export { POSTGRES_URL, schemaUrl } from './postgres-url.js';

/**
 * PostgreSQL for the tests that need it: `TEST_DATABASE_URL` (default the machines' `postgres://root@127.0.0.1:5432/test`).
 * Where no server answers, those tests are skipped (`test/global-setup.ts` says so in one line), unless `REQUIRE_POSTGRES=1` (set by
 * `.ci/run`), which makes them fail instead: CI cannot skip them silently.
 */

export const postgresAnswers = await postgresAnswersAt();
const required = process.env['REQUIRE_POSTGRES'] === '1';

/** `describe` for tests that need PostgreSQL: skipped without a server, failing without one when it is required. */
export const describePostgres: typeof describe = postgresAnswers || required ? describe : (describe.skip as typeof describe);

/**
 * A new schema per call, dropped with everything in it after the file's tests. Pass it as the store's `schema`
 * (or `DATABASE_URL=...?options=-c search_path=<schema>` for a child process).
 */
export function useSchemas(): () => string {
  const made: string[] = [];
  afterAll(async () => {
    if (made.length === 0) return;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      for (const schema of made) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
  return () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    made.push(schema);
    return schema;
  };
}
