import pg from 'pg';

/** The PostgreSQL the tests and benches use: `TEST_DATABASE_URL`, default the machines' `postgres://root@127.0.0.1:5432/test`. */
export const POSTGRES_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://root@127.0.0.1:5432/test';

/** The URL of a schema, for a process that opens the store from `DATABASE_URL`. */
export function schemaUrl(schema: string): string {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** True when a PostgreSQL server answers at `url` within 2 s. */
export async function postgresAnswersAt(url: string = POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
