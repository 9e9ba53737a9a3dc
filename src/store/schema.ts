import type { Generated } from 'kysely';
import type { HealthState, LiveExpiredReason, LiveMessageState } from './types.js';

/**
 * The tables as Kysely sees them, the same on SQLite and PostgreSQL. Times are epoch milliseconds and Telegram
 * ids are whole numbers (`INTEGER` on SQLite, `BIGINT` on PostgreSQL, read back as JavaScript numbers).
 */
export interface Tables {
  grants: { user_id: number; session_id: string; granted_by: number; granted_at: number };
  invites: {
    token_hash: Buffer;
    session_id: string;
    created_by: number;
    created_at: number;
    expires_at: number;
    used_at: number | null;
    used_by: number | null;
  };
  live_messages: {
    chat_id: number;
    message_id: number;
    user_id: number;
    session_id: string;
    state: LiveMessageState;
    fingerprint: string | null;
    expires_at: number | null;
    deadline_at: number;
    created_at: number;
    updated_at: number;
    expired_reason: LiveExpiredReason | null;
    final_edit_since: number | null;
    pairing_phone: string | null;
    pairing_expires_at: number | null;
    series_index: number | null;
  };
  audit_log: {
    id: Generated<number>;
    at: number;
    user_id: number | null;
    chat_id: number | null;
    action: string;
    session_id: string | null;
    outcome: string;
    detail: string | null;
  };
  watches: { user_id: number; chat_id: number; session_id: string; created_at: number };
  health_states: { session_id: string; state: HealthState; since: number; last_alert_at: number | null };
  webhook_events: { id: string; seen_at: number };
  photo_intents: { id: Generated<number>; chat_id: number; after_message_id: number; session_id: string; created_at: number; holder: string | null };
  users: {
    user_id: number;
    first_name: string | null;
    username: string | null;
    language_code: string | null;
    language: string | null;
    seen_at: number;
  };
  telegram_updates: {
    update_id: number;
    received_at: number;
    holder: string | null;
    payload: string | null;
    started_at: number | null;
    done_at: number | null;
  };
  leases: { name: string; holder: string; fence: number; expires_at: number };
  pending_actions: { key: string; user_id: number; payload: string; expires_at: number };
  relink_walks: {
    chat_id: number;
    user_id: number;
    message_id: number | null;
    /** JSON arrays of session ids. */
    sessions: string;
    position: number;
    linked: string;
    skipped: string;
    state: 'active' | 'done' | 'stopped';
    updated_at: number;
  };
}

/** Which engine a store runs on. */
export type Dialect = 'sqlite' | 'postgres';
