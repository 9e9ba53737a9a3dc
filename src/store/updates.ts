import { sql, type ExpressionBuilder } from 'kysely';
import type { Tables } from './schema.js';
import type { TelegramUpdateStore, WebhookEventStore } from './types.js';
import { PRUNE_EVERY, type Db } from './db.js';
import { compiledOnce } from './compiled.js';

export function createWebhookEventStore(db: Db): WebhookEventStore {
  let inserts = 0;
  return {
    // One statement: a new id is inserted, an id seen longer than ttlMs ago is refreshed, a replay changes nothing.
    async firstSeen(id, at, ttlMs) {
      const taken = await db
        .insertInto('webhook_events')
        .values({ id, seen_at: at })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ seen_at: at })
            .where('webhook_events.seen_at', '<=', at - ttlMs),
        )
        .returning('id')
        .executeTakeFirst();
      if (taken !== undefined && ++inserts % PRUNE_EVERY === 0)
        await db
          .deleteFrom('webhook_events')
          .where('seen_at', '<', at - ttlMs)
          .execute();
      return taken !== undefined;
    },
  };
}

/**
 * Handled updates kept against a redelivery, at most (besides the 24 h age limit). Telegram delivers again within
 * seconds to minutes; this many is hours of a busy bot, and about 1 MB.
 */
const MAX_HANDLED_UPDATES_KEPT = 10_000;

export function createTelegramUpdateStore(db: Db, now: () => number): TelegramUpdateStore {
  let inserts = 0;
  // Every update is taken and done: both built once.
  const takeOne = compiledOnce<{ update_id: number }>(db, (p) =>
    db
      .insertInto('telegram_updates')
      .values({
        update_id: p('updateId'),
        received_at: p('at'),
        holder: p('holder'),
        payload: p('payload'),
        started_at: p('startedAt'),
        done_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('update_id'),
  );
  const doneOne = compiledOnce(db, (p) =>
    db
      .updateTable('telegram_updates')
      .set({ done_at: p('at'), payload: null })
      .where('update_id', '=', p('updateId')),
  );
  return {
    async take({ updateId, payload, started = false }, holder, keepMs, at = now()) {
      const taken = (await takeOne({ updateId, at, holder, payload, startedAt: started ? at : null })).rows[0];
      if (taken !== undefined && ++inserts % PRUNE_EVERY === 0) {
        await db
          .deleteFrom('telegram_updates')
          .where('received_at', '<', at - keepMs)
          .where('done_at', 'is not', null)
          .execute();
        // And by count: a flood (of strangers, say) is kept to the newest handled updates, however many come.
        await sql`DELETE FROM telegram_updates WHERE done_at IS NOT NULL AND update_id < (SELECT update_id FROM telegram_updates WHERE done_at IS NOT NULL ORDER BY update_id DESC LIMIT 1 OFFSET ${MAX_HANDLED_UPDATES_KEPT - 1})`.execute(
          db,
        );
      }
      return taken !== undefined;
    },
    async start(updateId, at = now()) {
      await db.updateTable('telegram_updates').set({ started_at: at }).where('update_id', '=', updateId).execute();
    },
    async oldestOpenAt() {
      const row = await db
        .selectFrom('telegram_updates')
        .select('received_at')
        .where('done_at', 'is', null)
        .orderBy('received_at')
        .limit(1)
        .executeTakeFirst();
      return row?.received_at ?? null;
    },
    async done(updateId, at = now()) {
      await doneOne({ at, updateId });
    },
    // One UPDATE per call moves the rows: of two instances reclaiming at once, each row goes to exactly one.
    async reclaim(holder, alive, graceMs, at = now()) {
      const orphaned = (eb: ExpressionBuilder<Tables, 'telegram_updates'>) =>
        eb.and([
          eb('done_at', 'is', null),
          eb('received_at', '<', at - graceMs),
          eb.or([eb('holder', 'is', null), eb('holder', 'not in', alive.length > 0 ? [...alive] : [holder])]),
        ]);
      const cutShort = await db
        .updateTable('telegram_updates')
        .set({ done_at: at, payload: null })
        .where(orphaned)
        .where('started_at', 'is not', null)
        .returning('update_id')
        .execute();
      const updates = await db
        .updateTable('telegram_updates')
        .set({ holder })
        .where(orphaned)
        .where('started_at', 'is', null)
        .where('payload', 'is not', null)
        .returning(['update_id', 'payload'])
        .execute();
      return {
        updates: updates.map((row) => ({ updateId: row.update_id, payload: row.payload ?? '' })).sort((a, b) => a.updateId - b.updateId),
        cutShort: cutShort.map((row) => row.update_id).sort((a, b) => a - b),
      };
    },
  };
}
