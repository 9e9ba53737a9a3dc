import { sql, type ColumnDataType, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from './schema.js';

/**
 * One schema step, written once for both engines with Kysely's schema builder. `version` is what the database
 * records once `up` has run (`PRAGMA user_version` on SQLite, so files written before PostgreSQL existed keep
 * their history; the `schema_version` row on PostgreSQL).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: SchemaDb, dialect: Dialect) => Promise<void>;
}

/** The database as a migration sees it: its tables are whatever the earlier steps made. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the schema as the steps before it left it: no one type describes it
export type SchemaDb = Kysely<any>;
/** Whole numbers (times in ms, Telegram ids): 64-bit on both engines. */
const int = (dialect: Dialect): ColumnDataType => (dialect === 'sqlite' ? 'integer' : 'bigint');
const bytes = (dialect: Dialect): ColumnDataType => (dialect === 'sqlite' ? 'blob' : 'bytea');

/** A generated whole-number key: SQLite's rowid alias, PostgreSQL's identity column. */
function withId<T extends string>(table: CreateTableBuilder<T>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'sqlite'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

/** The schema, in order. Append only: never edit a migration that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    async up(db, d) {
      await db.schema
        .createTable('grants')
        .addColumn('user_id', int(d), (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('granted_by', int(d), (c) => c.notNull())
        .addColumn('granted_at', int(d), (c) => c.notNull())
        .addPrimaryKeyConstraint('grants_pk', ['user_id', 'session_id'])
        .execute();
      await db.schema.createIndex('grants_by_session').on('grants').columns(['session_id', 'user_id']).execute();
      await db.schema
        .createTable('invites')
        .addColumn('token_hash', bytes(d), (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('created_by', int(d), (c) => c.notNull())
        .addColumn('created_at', int(d), (c) => c.notNull())
        .addColumn('expires_at', int(d), (c) => c.notNull())
        .addColumn('used_at', int(d))
        .addColumn('used_by', int(d))
        .execute();
      await db.schema
        .createTable('live_messages')
        .addColumn('chat_id', int(d), (c) => c.notNull())
        .addColumn('message_id', int(d), (c) => c.notNull())
        .addColumn('user_id', int(d), (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('showing', 'connected', 'expired', 'cancelled', 'retired', 'gone')`))
        .addColumn('fingerprint', 'text')
        .addColumn('expires_at', int(d))
        .addColumn('deadline_at', int(d), (c) => c.notNull())
        .addColumn('created_at', int(d), (c) => c.notNull())
        .addColumn('updated_at', int(d), (c) => c.notNull())
        .addPrimaryKeyConstraint('live_messages_pk', ['chat_id', 'message_id'])
        .execute();
      await db.schema.createIndex('live_messages_by_state').on('live_messages').columns(['state', 'session_id']).execute();
      await withId(db.schema.createTable('audit_log'), d)
        .addColumn('at', int(d), (c) => c.notNull())
        .addColumn('user_id', int(d))
        .addColumn('chat_id', int(d))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema
        .createTable('watches')
        .addColumn('user_id', int(d), (c) => c.notNull())
        .addColumn('chat_id', int(d), (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('created_at', int(d), (c) => c.notNull())
        .addPrimaryKeyConstraint('watches_pk', ['user_id', 'session_id'])
        .execute();
      await db.schema.createIndex('watches_by_session').on('watches').columns(['session_id', 'user_id']).execute();
    },
  },
  {
    version: 2,
    name: 'health states',
    async up(db, d) {
      await db.schema
        .createTable('health_states')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('up', 'down', 'unknown')`))
        .addColumn('since', int(d), (c) => c.notNull())
        .addColumn('last_alert_at', int(d))
        .execute();
    },
  },
  {
    version: 3,
    name: 'pending final edits of live messages',
    async up(db, d) {
      await db.schema
        .alterTable('live_messages')
        .addColumn('expired_reason', 'text', (c) => c.check(sql`expired_reason IN ('codes_ran_out', 'failed', 'timed_out', 'stopped')`))
        .execute();
      await db.schema.alterTable('live_messages').addColumn('final_edit_since', int(d)).execute();
      await db.schema
        .createIndex('live_messages_final_pending')
        .on('live_messages')
        .column('final_edit_since')
        .where(sql.ref('final_edit_since'), 'is not', null)
        .execute();
    },
  },
  {
    version: 4,
    name: 'Wasend webhook event ids seen',
    async up(db, d) {
      await db.schema
        .createTable('webhook_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seen_at', int(d), (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_events_by_age').on('webhook_events').column('seen_at').execute();
    },
  },
  {
    version: 5,
    name: 'QR photos being sent',
    async up(db, d) {
      await withId(db.schema.createTable('photo_intents'), d)
        .addColumn('chat_id', int(d), (c) => c.notNull())
        .addColumn('after_message_id', int(d), (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('created_at', int(d), (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 6,
    name: 'live messages showing a pairing code',
    async up(db, d) {
      await db.schema.alterTable('live_messages').addColumn('pairing_phone', 'text').execute();
      await db.schema.alterTable('live_messages').addColumn('pairing_expires_at', int(d)).execute();
    },
  },
  {
    version: 7,
    name: 'people the bot has seen, and their language',
    async up(db, d) {
      await db.schema
        .createTable('users')
        .addColumn('user_id', int(d), (c) => c.primaryKey())
        .addColumn('first_name', 'text')
        .addColumn('username', 'text')
        .addColumn('language_code', 'text')
        .addColumn('language', 'text')
        .addColumn('seen_at', int(d), (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_by_session').on('audit_log').columns(['session_id', 'id']).execute();
      await db.schema.createIndex('audit_log_by_user').on('audit_log').columns(['user_id', 'id']).execute();
    },
  },
  {
    version: 8,
    name: 'several instances: Telegram updates taken, leases',
    async up(db, d) {
      await db.schema
        .createTable('telegram_updates')
        .addColumn('update_id', int(d), (c) => c.primaryKey())
        .addColumn('received_at', int(d), (c) => c.notNull())
        .addColumn('holder', 'text')
        .addColumn('payload', 'text')
        .addColumn('started_at', int(d))
        .addColumn('done_at', int(d))
        .execute();
      await db.schema
        .createIndex('telegram_updates_open')
        .on('telegram_updates')
        .column('received_at')
        .where(sql.ref('done_at'), 'is', null)
        .execute();
      await db.schema.createIndex('telegram_updates_by_age').on('telegram_updates').column('received_at').execute();
      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('fence', int(d), (c) => c.notNull())
        .addColumn('expires_at', int(d), (c) => c.notNull())
        .execute();
      await db.schema.createIndex('leases_by_holder').on('leases').columns(['holder', 'name']).execute();
      await db.schema.alterTable('photo_intents').addColumn('holder', 'text').execute();
      // rate-limiter-flexible's table (its own shape), for the Wasend budget all instances share on PostgreSQL.
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expire', 'bigint')
        .execute();
    },
  },
  {
    version: 9,
    name: 'questions waiting for an answer (a /delete confirm, a phone number), for any instance',
    async up(db, d) {
      await db.schema
        .createTable('pending_actions')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('user_id', int(d), (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('expires_at', int(d), (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pending_actions_by_expiry').on('pending_actions').column('expires_at').execute();
    },
  },
  {
    version: 10,
    name: "a live message's place in WhatsApp's series of codes (code N of 6), kept across a takeover",
    async up(db) {
      await db.schema.alterTable('live_messages').addColumn('series_index', 'integer').execute();
    },
  },
  {
    version: 11,
    name: '/relink: a walk through the unlinked sessions, one per chat, carried on after a restart or by another instance',
    async up(db, d) {
      await db.schema
        .createTable('relink_walks')
        .addColumn('chat_id', int(d), (c) => c.primaryKey())
        .addColumn('user_id', int(d), (c) => c.notNull())
        .addColumn('message_id', int(d))
        .addColumn('sessions', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('linked', 'text', (c) => c.notNull())
        .addColumn('skipped', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('active', 'done', 'stopped')`))
        .addColumn('updated_at', int(d), (c) => c.notNull())
        .execute();
    },
  },
];
