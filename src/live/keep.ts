/** Keeping live messages across instances and stops: taking them on, ending them in bulk, pausing them. */
import type { Clock } from '../shared/clock.js';
import type { LogSink } from '../shared/logger.js';
import type { LiveMessage } from '../store/types.js';
import type { EffectRunner, LiveRecord } from './effects.js';
import type { FinalView } from './message.js';
import type { PendingOpen } from './open.js';
import type { Pairing } from './pairing.js';
import type { LiveRecords } from './records.js';
import type { SessionLooks } from './session-runner.js';
import type { LiveOwnership, QrMessenger } from './types.js';

export interface CancelDeps {
  readonly pendingOpens: ReadonlySet<PendingOpen>;
  readonly records: LiveRecords;
  readonly ownership: LiveOwnership;
  readonly end: (record: LiveRecord, view: FinalView) => Promise<void>;
}

export interface AdoptDeps {
  readonly records: LiveRecords;
  readonly runner: EffectRunner;
  readonly looks: SessionLooks;
  readonly pairing: Pick<Pairing, 'noteAsked'>;
  readonly pairingLifetimeMs: number;
  readonly track: <T>(work: Promise<T>) => Promise<T>;
}

export interface PauseDeps {
  readonly records: LiveRecords;
  readonly clock: Clock;
  readonly messenger: QrMessenger;
  readonly logger: LogSink;
}

/** Ends the live messages and aborts the `/qr` in flight that `matches` picks; returns how many. */
export async function cancelWhere(
  deps: CancelDeps,
  rows: LiveMessage[],
  matches: (m: { chatId: number; userId: number; sessionId: string }) => boolean | Promise<boolean>,
): Promise<number> {
  let count = 0;
  const { pendingOpens, records, ownership, end } = deps;
  for (const pending of [...pendingOpens]) {
    if ((await matches(pending)) && !pending.controller.signal.aborted) {
      pending.controller.abort();
      count += 1;
    }
  }
  // Each session's messages are ended by the instance that keeps them: here, after taking the session.
  const bySession = new Map<string, Array<{ chatId: number; messageId: number }>>();
  const add = (m: { chatId: number; messageId: number; sessionId: string }) => {
    const messages = bySession.get(m.sessionId) ?? [];
    messages.push({ chatId: m.chatId, messageId: m.messageId });
    bySession.set(m.sessionId, messages);
  };
  for (const row of rows) if (await matches(row)) add(row);
  for (const record of [...records.values()]) if (record.state.kind === 'showing' && (await matches(record))) add(record);
  const ended = await Promise.all(
    [...bySession].map(([sessionId, messages]) =>
      ownership.run(
        sessionId,
        async () => {
          const targets = new Set<LiveRecord>();
          for (const { chatId, messageId } of messages) {
            const record = await records.find(chatId, messageId);
            if (record?.state.kind === 'showing') targets.add(record);
          }
          await Promise.all([...targets].map((record) => end(record, { kind: 'cancelled', sessionId })));
          return targets.size;
        },
        () => 0,
      ),
    ),
  );
  return ended.reduce((sum, n) => sum + n, count);
}

/**
 * Keeps stored rows in memory that it does not know yet: final views still to put are put again, live messages
 * watched. Returns how many of each were new.
 */
export function adoptRows(deps: AdoptDeps, finals: readonly LiveMessage[], live: readonly LiveMessage[]): { finals: number; live: number } {
  const { records, runner, looks, pairing, pairingLifetimeMs, track } = deps;
  const adopted = { finals: 0, live: 0 };
  for (const row of finals) {
    if (records.get(row.chatId, row.messageId) !== undefined) continue;
    const record = records.adopt(row);
    if (record?.state.kind === 'final_pending') void track(runner.dispatch(record, { type: 'retry' }));
    adopted.finals += 1;
  }
  for (const row of live) {
    // A code asked just before the restart (or the takeover) still counts against the one-a-minute limit.
    if (row.pairing) pairing.noteAsked(row.sessionId, row.pairing.expiresAt - pairingLifetimeMs);
    if (records.get(row.chatId, row.messageId) !== undefined) continue;
    const record = records.adopt(row);
    if (record !== undefined) looks.attach(record);
    adopted.live += 1;
  }
  return adopted;
}

/**
 * Messages still showing a code say "paused" until the bot is back (their rows stay live: the next start shows the
 * current code in the same message). One after the other through the outgoing queue, for at most `budgetMs`.
 */
export async function pauseShowing(deps: PauseDeps, budgetMs: number): Promise<void> {
  const { records, clock, messenger, logger } = deps;
  const showing = [...records.values()].filter((record) => record.state.kind === 'showing');
  const deadline = clock.now() + budgetMs;
  let paused = 0;
  for (const record of showing) {
    if (clock.now() > deadline) break;
    const result = await messenger
      .edit(record.chatId, record.messageId, { kind: 'paused', sessionId: record.sessionId })
      .catch(() => 'failed' as const);
    if (result === 'ok' || result === 'not_modified') paused += 1;
  }
  if (showing.length > 0) logger.info({ paused, live: showing.length }, 'live QR messages paused until the bot is back');
}
