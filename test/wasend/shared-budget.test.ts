import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres.js';
import type { Store } from '../../src/store/types.js';
import { createRequestBudget } from '../../src/wasend/budget.js';
import { BudgetSkippedError } from '../../src/wasend/errors.js';
import { withSharedBudget } from '../../src/wasend/shared-budget.js';
import { describePostgres, POSTGRES_URL, useSchemas } from '../support/postgres.js';

const newSchema = useSchemas();
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** Two instances' budgets on one database (each with its own local budget, as two processes have). */
async function twoInstances(maxRps: number) {
  const schema = newSchema();
  const opened = [await createPostgresStore(POSTGRES_URL, { schema }), await createPostgresStore(POSTGRES_URL, { schema })];
  stores.push(...opened);
  const logger = { warn: () => undefined };
  return opened.map((store) => withSharedBudget(createRequestBudget({ maxRps: 1_000 }), { pool: store.postgres!.pool, schema, maxRps, logger }));
}

describePostgres('the Wasend budget shared by instances', () => {
  it('holds for both instances together: what one spent, the other cannot spend in the same window', async () => {
    const [a, b] = await twoInstances(1);
    await a!.acquire('rotation');
    await expect(b!.acquire('rotation')).rejects.toBeInstanceOf(BudgetSkippedError);
    await expect(a!.acquire('link')).rejects.toBeInstanceOf(BudgetSkippedError);
  });

  it('a 429 seen by one instance holds the other back too', async () => {
    const [a, b] = await twoInstances(1_000);
    await b!.acquire('rotation');
    a!.penalize(5_000);
    await expect
      .poll(async () =>
        b!.acquire('rotation').then(
          () => 'went',
          (error: unknown) => (error instanceof BudgetSkippedError ? 'held back' : String(error)),
        ),
      )
      .toBe('held back');
  });

  it('a person waits for the shared window instead of being turned away', async () => {
    const [a, b] = await twoInstances(1);
    await a!.acquire('person', undefined, 'ana');
    const waited = b!.acquire('person', undefined, 'bob').then(() => 'served');
    await expect(waited).resolves.toBe('served');
  });

  it('keeps to its own budget when the database stops answering', async () => {
    const schema = newSchema();
    const store = await createPostgresStore(POSTGRES_URL, { schema });
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 200 });
    const warnings: string[] = [];
    const budget = withSharedBudget(createRequestBudget({ maxRps: 1_000 }), {
      pool,
      schema,
      maxRps: 1,
      logger: { warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') },
    });
    await budget.acquire('rotation');
    await budget.acquire('rotation');
    expect(warnings).toEqual(['shared Wasend budget unavailable; this instance keeps to its own']);
    await pool.end();
    await store.close();
  });
});
