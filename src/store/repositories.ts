import { createPendingActionStore } from './pending-actions.js';
import { createRelinkWalkStore } from './relink-walks.js';
import type { Dialect } from './schema.js';
import type { Store } from './types.js';
import type { Db } from './db.js';
import { createGrantStore, createInviteStore } from './grants.js';
import { createLiveMessageStore, createPhotoIntentStore } from './live-messages.js';
import { createTelegramUpdateStore, createWebhookEventStore } from './updates.js';
import { createLeaseStore } from './leases.js';
import { createAuditStore } from './audit.js';
import { createUserStore } from './users.js';
import { createHealthStateStore, createWatchStore } from './watches.js';

/** Options of the repositories, whichever engine holds them. */
export interface RepositoryOptions {
  /** Clock for every `now` a caller leaves out, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * The audit log keeps this many newest refusals and this many newest other entries (pruned at open and every
   * tenth of it in inserts). Default 10000.
   */
  readonly auditMaxRows?: number;
  /**
   * Refusals kept at most (strangers write them: a flood of them stays this small). Default the smaller of 2000 and
   * `auditMaxRows`.
   */
  readonly auditMaxRefusals?: number;
}

const DEFAULT_AUDIT_MAX_ROWS = 10_000;
const DEFAULT_AUDIT_MAX_REFUSALS = 2_000;

/**
 * Every store on one Kysely database, written once for SQLite and PostgreSQL: each change that must be atomic
 * across instances is one statement (`INSERT ... ON CONFLICT`, `UPDATE ... RETURNING`) or one transaction.
 */
export async function createRepositories(
  db: Db,
  dialect: Dialect,
  options: RepositoryOptions & { ping: () => Promise<boolean>; close: () => Promise<void> },
): Promise<Store> {
  const now = options.now ?? Date.now;
  const maxRows = Math.max(1, options.auditMaxRows ?? DEFAULT_AUDIT_MAX_ROWS);
  const audit = createAuditStore(db, now, maxRows, Math.max(1, options.auditMaxRefusals ?? Math.min(maxRows, DEFAULT_AUDIT_MAX_REFUSALS)));
  await audit.prune();
  return {
    dialect,
    telegramUpdates: createTelegramUpdateStore(db, now),
    leases: createLeaseStore(db, now),
    grants: createGrantStore(db, now),
    users: createUserStore(db, now),
    invites: createInviteStore(db, now),
    liveMessages: createLiveMessageStore(db, now),
    audit: audit.store,
    webhookEvents: createWebhookEventStore(db),
    photoIntents: createPhotoIntentStore(db),
    watches: createWatchStore(db, now),
    health: createHealthStateStore(db),
    pendingActions: createPendingActionStore(db, now),
    relinkWalks: createRelinkWalkStore(db, now),
    ping: options.ping,
    close: options.close,
  };
}
