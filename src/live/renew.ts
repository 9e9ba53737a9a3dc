import { describeError } from '../shared/describe-error.js';
import type { LiveMessage } from '../store/types.js';
import { acquireCode, type Acquired } from './acquire.js';
import type { AccessVerdict } from './access-verdict.js';
import { expiresAtMs } from './code-state.js';
import type { LiveRecord } from './effects.js';
import { finalViewOf, type CodeShow, type FinalView } from './message.js';
import type { OpenerContext } from './open-context.js';
import { isShow } from './pairing.js';
import type { OpenOutcome, PairingRequest } from './types.js';

/** What renewing shares with opening: access at the moment of action, ends, and what a message shows. */
export interface RenewHelpers {
  readonly mayShow: (userId: number, sessionId: string) => Promise<AccessVerdict>;
  readonly notAllowed: (verdict: AccessVerdict) => OpenOutcome;
  readonly end: (record: LiveRecord, view: FinalView) => Promise<void>;
  readonly pairingWait: (pairing: PairingRequest | undefined, sessionId: string) => OpenOutcome | undefined;
  readonly showFor: (sessionId: string, acquired: Acquired, userId: number, pairing: PairingRequest | undefined) => Promise<CodeShow | OpenOutcome>;
  readonly setPairing: (record: LiveRecord, pairing: PairingRequest | undefined, show: CodeShow) => void;
}

/**
 * "New QR", "Send the code" and "Show the QR" on a message: a live one switches its face, a finished one gets a
 * fresh series (or a pairing code) put into the same message. Access is asked at the press and again right before
 * the message changes.
 */
export function createRenewer(ctx: OpenerContext, helpers: RenewHelpers) {
  const { store, logger, clock, runner, looks, records, watchTimeoutMs } = ctx;
  const { mayShow, notAllowed, end, pairingWait, showFor, setPairing } = helpers;
  const acquireDeps = ctx.acquire;

  async function renew(chatId: number, messageId: number, userId: number, pairing?: PairingRequest): Promise<OpenOutcome> {
    if (ctx.isStopped()) return { kind: 'unavailable', reason: 'down' };
    let row: LiveMessage | undefined;
    try {
      row = await store.get(chatId, messageId);
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not read the live QR message');
      return { kind: 'unavailable', reason: 'down' };
    }
    if (row === undefined || row.state === 'gone') return { kind: 'not_found' };
    const { sessionId } = row;
    const atPress = await mayShow(userId, sessionId);
    if (atPress !== 'yes') return notAllowed(atPress);
    const wait = pairingWait(pairing, sessionId);
    if (wait !== undefined) return wait;
    const live = records.get(chatId, messageId);
    if (live?.state.kind === 'showing') return switchFace(live, userId, pairing);
    // "New QR" starts a fresh series; a pairing code only needs a session that is linking.
    const acquired = await acquireCode(acquireDeps, { sessionId, restart: pairing === undefined, userId });
    if (acquired.kind === 'already_connected') {
      const record = live ?? records.adopt(row);
      if (record !== undefined) await end(record, { kind: 'connected', sessionId });
      return acquired;
    }
    if (acquired.kind !== 'code') return acquired;
    const shown = await showFor(sessionId, acquired, userId, pairing);
    if (!isShow(shown)) return shown;
    const beforePut = await mayShow(userId, sessionId);
    if (beforePut !== 'yes') return notAllowed(beforePut);
    return putRenewed(row, live, userId, acquired, shown, pairing);
  }

  /**
   * A live message switches between the QR and a pairing code (or, with neither asked, looks for a new code).
   * The QR series keeps running either way: WhatsApp accepts whichever is used first.
   */
  async function switchFace(record: LiveRecord, userId: number, pairing: PairingRequest | undefined): Promise<OpenOutcome> {
    const { chatId, messageId, sessionId } = record;
    if (pairing === undefined && record.pairing === undefined) {
      await looks.lookNow(sessionId, 'person');
      return { kind: 'sent', messageId };
    }
    let show: CodeShow | undefined;
    if (pairing !== undefined) {
      const asked = await ctx.pairing.request(sessionId, pairing.phone, userId);
      if (!isShow(asked)) return asked;
      await pairing.beforeShow?.();
      show = asked;
    }
    if (record.state.kind !== 'showing') return { kind: 'not_found' };
    const beforeSwitch = await mayShow(userId, sessionId);
    if (beforeSwitch !== 'yes') return notAllowed(beforeSwitch);
    if (show !== undefined) setPairing(record, pairing, show);
    else delete record.pairing;
    try {
      await store.update(
        chatId,
        messageId,
        { pairing: record.pairing ? { phone: record.pairing.phone, expiresAt: record.pairing.expiresAt } : null },
        clock.now(),
      );
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not save the live QR message');
    }
    await looks.showNow(record);
    if (show === undefined) await looks.lookNow(sessionId, 'person');
    return { kind: 'sent', messageId };
  }

  async function putRenewed(
    row: LiveMessage,
    live: LiveRecord | undefined,
    userId: number,
    acquired: Acquired,
    code: CodeShow,
    pairing?: PairingRequest,
  ): Promise<OpenOutcome> {
    const { chatId, messageId, sessionId } = row;
    const now = clock.now();
    const record: LiveRecord = live ?? {
      chatId,
      messageId,
      userId,
      sessionId,
      deadlineAt: row.deadlineAt,
      state: { kind: 'final', seq: 0, view: finalViewOf(row) ?? { kind: 'cancelled', sessionId } },
    };
    const previous = record.state.kind === 'final_pending' || record.state.kind === 'final' ? record.state.view : undefined;
    record.userId = userId;
    record.deadlineAt = now + watchTimeoutMs;
    setPairing(record, pairing, code);
    records.set(record);
    await runner.dispatch(record, { type: 'renew', code });
    const state = record.state;
    if (state.kind === 'gone') return { kind: 'not_found' };
    if (state.kind !== 'showing' || state.shown !== code.fingerprint) {
      await end(record, previous ?? { kind: 'expired', sessionId, reason: 'timed_out' });
      return { kind: 'unavailable', reason: 'down' };
    }
    try {
      await store.update(
        chatId,
        messageId,
        {
          state: 'showing',
          fingerprint: code.fingerprint,
          expiresAt: code.face === undefined ? expiresAtMs(acquired.fetched.qr) : code.expiresAt,
          deadlineAt: record.deadlineAt,
          userId,
          expiredReason: null,
          finalEditSince: null,
          pairing: record.pairing ? { phone: record.pairing.phone, expiresAt: record.pairing.expiresAt } : null,
          seriesIndex: code.face === undefined ? (code.seriesIndex ?? null) : null,
        },
        now,
      );
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not save the renewed live QR message');
    }
    looks.attach(record, acquired.fetched, acquired.timing);
    return { kind: 'sent', messageId };
  }

  return renew;
}
