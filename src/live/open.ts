import type { LiveMessage, PhotoIntent } from '../store/types.js';
import { acquireCode, type Acquired } from './acquire.js';
import { accessVerdict, type AccessVerdict } from './access-verdict.js';
import type { LiveRecord } from './effects.js';
import { describeError } from '../shared/describe-error.js';
import { codeView, showingState, type CodeShow, type FinalView } from './message.js';
import { expiresAtMs } from './code-state.js';
import { isShow } from './pairing.js';
import { createPhotoIntents } from './photo-intents.js';
import { createRenewer } from './renew.js';
import type { OpenerContext, PendingOpen } from './open-context.js';
import { DeliveryUnknownError, PhotoRefusedError, type OpenOutcome, type OpenRequest, type PairingRequest, type QrView } from './types.js';

export type { OpenerContext, PendingOpen } from './open-context.js';

export interface Opener {
  open(request: OpenRequest): Promise<OpenOutcome>;
  renew(chatId: number, messageId: number, userId: number, pairing?: PairingRequest): Promise<OpenOutcome>;
  /** Retires photos a crash left untracked (see PhotoIntentStore). */
  /** `select` picks the intents to sweep (default all: after a restart of the one instance). */
  sweepIntents(select?: (intent: PhotoIntent) => boolean): Promise<void>;
}

/**
 * Opening live messages: `/qr` (a code acquired for a person, sent as a photo, stored, then watched) and
 * "New QR" (a fresh series put into the same message). Access is asked again right before the photo goes
 * out and right after it is stored.
 */
export function createOpener(ctx: OpenerContext): Opener {
  const { store, messenger, logger, clock, runner, looks, records, watchTimeoutMs } = ctx;
  /** Access, read at the moment of action; `unknown` when the store cannot say (then nothing new is shown, nothing ended). */
  const mayShow = (userId: number, sessionId: string): Promise<AccessVerdict> =>
    accessVerdict(() => ctx.mayShow(userId, sessionId), sessionId, logger);
  /** What a person is answered when access is not `yes`. */
  const notAllowed = (verdict: AccessVerdict): OpenOutcome =>
    verdict === 'no' ? { kind: 'refused' } : { kind: 'unavailable', reason: 'access_unknown' };
  const acquireDeps = ctx.acquire;
  const { recordIntent, clearIntent, sweepIntents, retireStrays } = createPhotoIntents(ctx);
  const openChains = new Map<string, Promise<unknown>>();

  function end(record: LiveRecord, view: FinalView): Promise<void> {
    return runner.dispatch(record, { type: 'end', view });
  }

  /** Runs opens of one session in one chat one after the other: the later one retires the earlier. */
  function serially<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (openChains.get(key) ?? Promise.resolve()).then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    openChains.set(key, tail);
    void tail.then(() => {
      if (openChains.get(key) === tail) openChains.delete(key);
    });
    return result;
  }

  async function open(request: OpenRequest): Promise<OpenOutcome> {
    const { chatId, userId, sessionId } = request;
    if (ctx.isStopped()) return { kind: 'unavailable', reason: 'down' };
    const verdict = await mayShow(userId, sessionId);
    if (verdict !== 'yes') return notAllowed(verdict);
    const wait = pairingWait(request.pairing, sessionId);
    if (wait !== undefined) return wait;
    const limit = ctx.maxLivePerUser(userId);
    if (liveOf(userId, chatId, sessionId) >= limit) return { kind: 'too_many', limit };
    const pending: PendingOpen = {
      chatId,
      userId,
      sessionId,
      ...(request.afterMessageId !== undefined ? { afterMessageId: request.afterMessageId } : {}),
      ...(request.pairing !== undefined ? { pairing: request.pairing } : {}),
      controller: new AbortController(),
    };
    ctx.pendingOpens.add(pending);
    try {
      return await serially(`${chatId}:${sessionId}`, () => openNow(pending));
    } finally {
      ctx.pendingOpens.delete(pending);
    }
  }

  /** The user's live messages and `/qr` in flight, but for what opening `sessionId` in `chatId` would replace. */
  function liveOf(userId: number, chatId: number, sessionId: string): number {
    let count = 0;
    for (const record of records.values()) {
      const replaced = record.chatId === chatId && record.sessionId === sessionId;
      if (record.userId === userId && record.state.kind === 'showing' && !replaced) count += 1;
    }
    for (const pending of ctx.pendingOpens) {
      if (pending.userId === userId && !(pending.chatId === chatId && pending.sessionId === sessionId)) count += 1;
    }
    return count;
  }

  async function openNow(pending: PendingOpen): Promise<OpenOutcome> {
    const { chatId, userId, sessionId, controller } = pending;
    const { signal } = controller;
    const acquired = await acquireCode(acquireDeps, { sessionId, restart: false, userId, signal });
    if (acquired.kind === 'cancelled') {
      const verdict = await mayShow(userId, sessionId);
      if (verdict !== 'yes') return notAllowed(verdict);
    }
    if (acquired.kind !== 'code') return acquired;
    const shown = await showFor(sessionId, acquired, userId, pending.pairing, signal);
    if (!isShow(shown)) return shown;
    const code = shown;
    if (signal.aborted || ctx.isStopped()) return ctx.isStopped() ? { kind: 'unavailable', reason: 'down' } : { kind: 'cancelled' };
    const beforeSend = await mayShow(userId, sessionId);
    if (beforeSend !== 'yes') return notAllowed(beforeSend);
    const after = pending.afterMessageId;
    const intent = after === undefined ? undefined : await recordIntent({ chatId, afterMessageId: after, sessionId, createdAt: clock.now() });
    let messageId: number;
    try {
      messageId = await sendPhoto(chatId, codeView(code, 1), after);
      // From here on it is a live message, which /cancel and a revoke reach as such.
      ctx.pendingOpens.delete(pending);
    } catch (error) {
      logger.warn({ chatId, sessionId, err: describeError(error) }, 'could not send the QR photo');
      if (!(error instanceof DeliveryUnknownError)) await clearIntent(intent);
      return error instanceof PhotoRefusedError ? { kind: 'photo_refused', reason: error.reason } : { kind: 'unavailable', reason: 'telegram' };
    }
    const now = clock.now();
    const row: LiveMessage = {
      chatId,
      messageId,
      userId,
      sessionId,
      state: 'showing',
      fingerprint: code.fingerprint,
      expiresAt: code.face === undefined ? expiresAtMs(acquired.fetched.qr) : code.expiresAt,
      deadlineAt: now + watchTimeoutMs,
      createdAt: now,
      updatedAt: now,
      ...(pending.pairing !== undefined && code.expiresAt !== null ? { pairing: { phone: pending.pairing.phone, expiresAt: code.expiresAt } } : {}),
      seriesIndex: code.face === undefined ? (code.seriesIndex ?? null) : null,
    };
    try {
      await store.save(row);
    } catch (error) {
      logger.error({ chatId, messageId, err: describeError(error) }, 'could not save the live QR message');
    }
    const record: LiveRecord = { chatId, messageId, userId, sessionId, deadlineAt: row.deadlineAt, state: showingState(code.fingerprint) };
    setPairing(record, pending.pairing, code);
    records.set(record);
    await clearIntent(intent);
    // Access or the person's mind may have changed while the photo was on its way.
    // Unknown (the store does not answer) ends nothing: the next edit asks again before it shows a code.
    const allowed = await mayShow(userId, sessionId);
    if (allowed === 'no' || signal.aborted || ctx.isStopped()) {
      await end(record, { kind: 'cancelled', sessionId });
      return allowed === 'no' ? { kind: 'refused' } : { kind: 'cancelled' };
    }
    looks.attach(record, acquired.fetched, acquired.timing);
    await retireEarlier(chatId, sessionId, messageId);
    return { kind: 'sent', messageId };
  }

  /**
   * Sends the photo. When its answer is lost (Telegram may hold a copy nobody tracks), sends it once more and
   * retires the copy Telegram did deliver: in a private chat message ids are sequential and only the bot's own
   * messages can be edited, so it is among the ids between the person's command and the new photo.
   */
  async function sendPhoto(chatId: number, view: QrView, after: number | undefined): Promise<number> {
    try {
      return (await messenger.send(chatId, view)).messageId;
    } catch (error) {
      if (!(error instanceof DeliveryUnknownError) || after === undefined) throw error;
      logger.warn({ chatId, err: describeError(error) }, 'the answer to a QR photo was lost; sending it again');
      const { messageId } = await messenger.send(chatId, view);
      await retireStrays(chatId, after, messageId, view.sessionId);
      return messageId;
    }
  }

  /** With `pairing`, a pairing code that waits for no cooldown; without, nothing to wait for. */
  function pairingWait(pairing: PairingRequest | undefined, sessionId: string): OpenOutcome | undefined {
    if (pairing === undefined) return undefined;
    const retryAt = ctx.pairing.nextAt(sessionId);
    return retryAt > clock.now() ? { kind: 'pairing_wait', retryAt } : undefined;
  }

  /** What the new message shows: the acquired QR, or with `pairing`, a pairing code asked for now. */
  async function showFor(
    sessionId: string,
    acquired: Acquired,
    userId: number,
    pairing: PairingRequest | undefined,
    signal?: AbortSignal,
  ): Promise<CodeShow | OpenOutcome> {
    if (pairing !== undefined) {
      const asked = await ctx.pairing.request(sessionId, pairing.phone, userId, signal);
      if (isShow(asked)) await pairing.beforeShow?.();
      return asked;
    }
    return (await codeShowOf(sessionId, acquired)) ?? { kind: 'unavailable', reason: 'invalid_response' };
  }

  function setPairing(record: LiveRecord, pairing: PairingRequest | undefined, show: CodeShow): void {
    if (pairing !== undefined && show.expiresAt !== null) record.pairing = { phone: pairing.phone, expiresAt: show.expiresAt, show };
    else delete record.pairing;
  }

  async function codeShowOf(sessionId: string, acquired: Acquired): Promise<CodeShow | undefined> {
    try {
      return await looks.codeShow(sessionId, acquired.fetched, acquired.timing);
    } catch (error) {
      logger.warn({ sessionId, err: describeError(error) }, 'QR code could not be rendered');
      return undefined;
    }
  }

  async function retireEarlier(chatId: number, sessionId: string, messageId: number): Promise<void> {
    const earlier = new Set<LiveRecord>();
    for (const row of await records.rows((store) => store.listLiveByChat(chatId))) {
      const record = row.sessionId === sessionId && row.messageId !== messageId ? await records.find(row.chatId, row.messageId) : undefined;
      if (record !== undefined) earlier.add(record);
    }
    for (const record of records.values()) {
      if (record.chatId === chatId && record.sessionId === sessionId && record.messageId !== messageId && record.state.kind === 'showing')
        earlier.add(record);
    }
    await Promise.all([...earlier].map((record) => end(record, { kind: 'retired', sessionId })));
  }

  const renew = createRenewer(ctx, { mayShow, notAllowed, end, pairingWait, showFor, setPairing });

  return { open, renew, sweepIntents };
}
