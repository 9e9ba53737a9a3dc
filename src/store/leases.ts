import { sql, type Selectable } from 'kysely';
import type { Tables } from './schema.js';
import type { Lease, LeaseStore } from './types.js';
import type { Db } from './db.js';

export function createLeaseStore(db: Db, now: () => number): LeaseStore {
  const toLease = (row: Selectable<Tables['leases']>): Lease => ({ name: row.name, holder: row.holder, fence: row.fence, expiresAt: row.expires_at });
  const prefixed = (prefix: string) => sql<boolean>`substr(name, 1, ${prefix.length}) = ${prefix}`;
  return {
    // One upsert decides: a free or expired lease changes hands (fence + 1), the holder's own is renewed in place,
    // anyone else's running lease is left alone (no row comes back). PostgreSQL's row lock orders racing takers.
    async acquire(name, holder, ttlMs, at = now()) {
      const row = await db
        .insertInto('leases')
        .values({ name, holder, fence: 1, expires_at: at + ttlMs })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({
              fence: sql`CASE WHEN leases.holder = ${holder} AND leases.expires_at > ${at} THEN leases.fence ELSE leases.fence + 1 END`,
              holder,
              expires_at: at + ttlMs,
            })
            .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', at)])),
        )
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toLease(row);
    },
    renew: async (holder, prefix, ttlMs, at = now()) =>
      (
        await db
          .updateTable('leases')
          .set({ expires_at: at + ttlMs })
          .where('holder', '=', holder)
          .where('expires_at', '>', at)
          .where(prefixed(prefix))
          .returningAll()
          .execute()
      ).map(toLease),
    holds: async (name, holder, fence, at = now()) =>
      (await db
        .selectFrom('leases')
        .select('name')
        .where('name', '=', name)
        .where('holder', '=', holder)
        .where('fence', '=', fence)
        .where('expires_at', '>', at)
        .executeTakeFirst()) !== undefined,
    release: async (name, holder, fence) =>
      void (await db
        .updateTable('leases')
        .set({ expires_at: 0 })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .where('fence', '=', fence)
        .execute()),
    list: async (prefix, at = now()) =>
      (await db.selectFrom('leases').selectAll().where(prefixed(prefix)).where('expires_at', '>', at).orderBy('name').execute()).map(toLease),
  };
}
