import type { LogSink } from '../logger.js';
import type { LiveMessage } from '../store/types.js';
import type { NormalizedQr, QrPayload, WasendApi } from '../wasend/types.js';
import type { Clock, TimerHandle } from './clock.js';
import { classifyWasendError, describeError, retryAfterOf } from './failures.js';
import type { FinalEdits, FinalView } from './final-edits.js';
import {
  codeExpiry,
  earliestRotationAt,
  errorBackoffMs,
  expectedRotationAt,
  latestRotationAt,
  nextLookAt,
  type CodeTiming,
  type LookSchedule,
  type ScheduleOptions,
} from './schedule.js';
import type { ExpiredReason, QrMessenger, QrView } from './types.js';

/** One live message as its watcher keeps it in memory. */
export interface TrackedMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly userId: number;
  readonly deadlineAt: number;
  /** Fingerprint of the code the Telegram message shows now (only changed after a successful edit). */
  shownFingerprint: string | null;
  /** Fingerprint of a code edit queued or in flight for this message, so a look does not queue it twice. */
  pendingFingerprint: string | null;
  /** Number of the code shown (1 = first code this message showed). */
  codeNumber: number;
}

/** The in-memory form of a stored live message (`codeNumber` is not stored: it restarts at 1). */
export function trackedFrom(row: LiveMessage, codeNumber = 1): TrackedMessage {
  return {
    chatId: row.chatId,
    messageId: row.messageId,
    userId: row.userId,
    deadlineAt: row.deadlineAt,
    shownFingerprint: row.fingerprint,
    pendingFingerprint: null,
    codeNumber,
  };
}

/** Map key of one Telegram message. */
export const messageKey = (chatId: number, messageId: number): string => `${chatId}:${messageId}`;

/** Wasend's expiry of a code in epoch ms, or null when it sent none. */
export const expiresAtMs = (qr: NormalizedQr): number | null => (qr.expiresAt ? qr.expiresAt.getTime() : null);

/** The view of a code: `expiry` from {@link codeExpiry}, `codeNumber` counted per message. */
export function codeViewOf(
  sessionId: string,
  png: Buffer,
  fingerprint: string,
  expiry: ReturnType<typeof codeExpiry>,
  codeNumber: number,
): QrView {
  return {
    kind: 'code',
    sessionId,
    png,
    fingerprint,
    expiresAt: expiry?.at ?? null,
    ...(expiry?.estimated ? { estimated: true } : {}),
    codeNumber,
  };
}

/** The code a session shows, with what we know of its timing. */
interface CurrentCode extends CodeTiming {
  readonly fingerprint: string;
  readonly payload: QrPayload;
  expiresAt: number | null;
  /** Position in its series (1-based) when known. */
  readonly seriesIndex: number | null;
}

/** One `getQr` answer: `at` is when the request went out, `seenAt` when the answer arrived. */
export interface QrFetch {
  readonly qr: NormalizedQr;
  readonly at: number;
  readonly seenAt: number;
}

/** What is known of a code's birth when it was fetched by `open`/`renew` rather than by a look. */
export interface ObservedTiming {
  readonly firstOfSeries: boolean;
  readonly bornAfter: number | null;
  /** When the answer arrived; default: now. */
  readonly seenAt?: number;
}

/** What the watcher needs from its owner ({@link createLiveQr}). */
export interface WatcherContext {
  readonly wasend: WasendApi;
  readonly messenger: QrMessenger;
  readonly logger: LogSink;
  readonly clock: Clock;
  readonly pollIntervalMs: number;
  /** Gap between looks that only check for a link, now (longer while the session's webhooks flow). */
  linkPollIntervalMs(sessionId: string): number;
  /** Where final views go: they are retried there until Telegram takes them. */
  readonly finals: Pick<FinalEdits, 'record'>;
  /**
   * `getQr` for the session, shared with every other caller while one is in flight (a look and ten `/qr`
   * at once make one request). Rejects like `getQr`.
   */
  fetchQr(sessionId: string): Promise<QrFetch>;
  /** Renders a code once per fingerprint (shared by every message and by `open`). */
  pngFor(fingerprint: string, payload: QrPayload): Promise<Buffer>;
  /** Runs `task` after every earlier task on the same message, so edits of one message never cross. */
  withMessage<T>(chatId: number, messageId: number, task: () => Promise<T>): Promise<T>;
  /** Store update that logs instead of throwing. */
  persist(chatId: number, messageId: number, patch: Partial<Pick<LiveMessage, 'state' | 'fingerprint' | 'expiresAt'>>): void;
  isStopped(): boolean;
  /** Registers work that `stop()` waits for. */
  track(work: Promise<unknown>): void;
  /** Called when the watcher has no message left (it holds no timer then). */
  onIdle(watcher: SessionWatcher): void;
}

/** Counters of one watcher since it was created. */
export interface WatcherStats {
  readonly looks: number;
  readonly wasendRequests: number;
  readonly edits: number;
}

/** Watches one session for every live message that shows it: one look serves them all. */
export interface SessionWatcher {
  readonly sessionId: string;
  /** Starts tracking a message (its first look is at once when the watcher has never looked). */
  attach(message: TrackedMessage): void;
  /** Stops tracking a message without editing it. */
  detach(chatId: number, messageId: number): TrackedMessage | undefined;
  messages(): TrackedMessage[];
  /** Feeds a code fetched elsewhere (by `open`/`renew`) at time `at`, with what is known of its birth. */
  observe(qr: NormalizedQr, at: number, timing?: ObservedTiming): void;
  /** The code the last answer showed and when that look went out; null when the last answer showed none. */
  latest(): QrFetch | null;
  /** The best known expiry of the code with this fingerprint, when it is the current one and one is known. */
  expiryOf(fingerprint: string): { readonly at: number; readonly estimated: boolean } | null;
  /** Look now (coalesced with other requests); resolves when that look and the edits it started are done. */
  lookNow(): Promise<void>;
  /** Look soon, without waiting. */
  poke(): void;
  /** Clears the timer for good (used by `stop`). */
  halt(): void;
  schedule(): LookSchedule;
  stats(): WatcherStats;
}

export function createSessionWatcher(sessionId: string, ctx: WatcherContext): SessionWatcher {
  const { wasend, messenger, logger, clock, pollIntervalMs } = ctx;
  const inFlightEdits = new Set<Promise<void>>();
  const tracked = new Map<string, TrackedMessage>();
  let code: CurrentCode | null = null;
  let latestQr: QrFetch | null = null;
  /** Last look whose answer told the current state (a code or no code); errors tell nothing. */
  let lastEvidenceAt: number | null = null;
  let lastLookAt: number | null = null;
  let staleLooks = 0;
  /** Codes seen since the watcher started (a FAILED session after codes means the series ran out). */
  let codesSeen = 0;
  /** The session was seen STARTING: the next code opens a series (WAHA: it lives 60 s). */
  let nextIsFirst = false;
  let retryAt: number | null = null;
  let failures = 0;
  let timer: TimerHandle | null = null;
  let running: Promise<void> | null = null;
  let forced = false;
  let halted = false;
  let waiters: Array<() => void> = [];
  const counters = { looks: 0, wasendRequests: 0, edits: 0 };

  const scheduleOptions = (): ScheduleOptions => ({ pollIntervalMs, linkPollIntervalMs: ctx.linkPollIntervalMs(sessionId) });

  const schedule = (): LookSchedule => ({
    lastLookAt,
    expectedRotationAt: code === null ? null : expectedRotationAt(code),
    latestRotationAt: code === null ? null : latestRotationAt(code),
    staleLooks,
    retryAt,
  });

  function observe(qr: NormalizedQr, at: number, timing?: ObservedTiming): void {
    see(qr, at, timing?.seenAt ?? clock.now(), timing);
  }

  function see(qr: NormalizedQr, at: number, seenAt: number, timing?: ObservedTiming): void {
    if (lastEvidenceAt !== null && at < lastEvidenceAt) return; // an older answer than one already seen
    const expiresAt = expiresAtMs(qr);
    if (code !== null && code.fingerprint === qr.fingerprint) {
      if (expiresAt !== null) code.expiresAt = expiresAt;
      const rotation = expectedRotationAt(code);
      if (rotation !== null && at >= rotation) staleLooks += 1;
    } else {
      const firstOfSeries = timing?.firstOfSeries ?? nextIsFirst;
      nextIsFirst = false;
      codesSeen += 1;
      const previousIndex = code?.seriesIndex ?? null;
      // The previous code cannot have been replaced before its lifetime was over: that bounds this birth too.
      const previousEnd = code === null ? null : earliestRotationAt(code);
      const bornAfter =
        timing !== undefined
          ? timing.bornAfter
          : previousEnd !== null && previousEnd <= at
            ? Math.max(previousEnd, lastEvidenceAt ?? previousEnd)
            : lastEvidenceAt;
      code = {
        fingerprint: qr.fingerprint,
        payload: qr.payload,
        expiresAt,
        bornAfter,
        seenAt,
        firstOfSeries,
        seriesIndex: firstOfSeries ? 1 : previousIndex === null ? null : previousIndex + 1,
      };
      staleLooks = 0;
      logger.debug({ sessionId, fingerprint: qr.fingerprint, seriesIndex: code.seriesIndex }, 'new QR code');
    }
    lastEvidenceAt = at;
    latestQr = { qr, at, seenAt };
    lastLookAt = lastLookAt === null ? at : Math.max(lastLookAt, at);
  }

  function nextDeadlineCheck(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const m of tracked.values()) at = Math.min(at, m.deadlineAt);
    return at;
  }

  function reschedule(): void {
    if (timer !== null) {
      clock.clearTimeout(timer);
      timer = null;
    }
    if (halted || ctx.isStopped() || running !== null) return;
    if (tracked.size === 0) {
      logger.debug({ sessionId, ...counters }, 'live QR watch ended');
      releaseWaiters();
      ctx.onIdle(self);
      return;
    }
    const now = clock.now();
    const lookAt = forced ? Math.max(now, retryAt ?? now) : nextLookAt(schedule(), scheduleOptions());
    const wakeAt = Math.min(lookAt, nextDeadlineCheck());
    timer = clock.setTimeout(wake, Math.max(0, wakeAt - now));
  }

  function releaseWaiters(): void {
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  }

  function wake(): void {
    timer = null;
    if (halted || ctx.isStopped() || running !== null) return;
    const work = run().finally(() => {
      running = null;
      reschedule();
    });
    running = work;
    ctx.track(work);
  }

  async function run(): Promise<void> {
    const now = clock.now();
    const due = forced ? now >= (retryAt ?? now) : now >= nextLookAt(schedule(), scheduleOptions());
    const answered = waiters;
    waiters = [];
    if (due) forced = false;
    let edits: Promise<void> = Promise.resolve();
    try {
      await expireOverdue(now);
      if (due && tracked.size > 0) edits = (await look()).edits;
    } catch (error) {
      logger.error({ sessionId, err: describeError(error) }, 'live QR look failed unexpectedly');
    } finally {
      void edits.finally(() => {
        for (const resolve of answered) resolve();
      });
    }
  }

  /**
   * One `getQr` and what follows from it. Code edits are started, not awaited: the next look is scheduled
   * as soon as Wasend answered, however slow Telegram is. Resolves with the edits it started.
   */
  async function look(): Promise<{ edits: Promise<void> }> {
    lastLookAt = clock.now();
    counters.looks += 1;
    let fetched: QrFetch;
    try {
      fetched = await ctx.fetchQr(sessionId);
    } catch (error) {
      counters.wasendRequests += 1;
      await onQrError(error, lastLookAt);
      return { edits: Promise.resolve() };
    }
    counters.wasendRequests += 1;
    failures = 0;
    retryAt = null;
    see(fetched.qr, fetched.at, fetched.seenAt);
    return showCode();
  }

  async function onQrError(error: unknown, at: number): Promise<void> {
    switch (classifyWasendError(error)) {
      case 'connected':
        failures = 0;
        retryAt = null;
        await finishAll({ kind: 'connected', sessionId });
        return;
      case 'rate_limited':
      case 'auth':
      case 'down':
        backOff(error);
        return;
      default:
        await checkSession(at);
    }
  }

  async function checkSession(at: number): Promise<void> {
    counters.wasendRequests += 1;
    let state;
    try {
      state = (await wasend.getSession(sessionId, { priority: 'live' })).status.state;
    } catch (error) {
      if (classifyWasendError(error) === 'not_found') {
        await finishAll({ kind: 'expired', sessionId, reason: 'stopped' });
      } else {
        backOff(error);
      }
      return;
    }
    failures = 0;
    retryAt = null;
    if (state === 'connected') {
      await finishAll({ kind: 'connected', sessionId });
    } else if (state === 'failed') {
      const reason: ExpiredReason = codesSeen > 0 ? 'codes_ran_out' : 'failed';
      await finishAll({ kind: 'expired', sessionId, reason });
    } else if (state === 'stopped') {
      await finishAll({ kind: 'expired', sessionId, reason: 'stopped' });
    } else {
      // Starting or between codes: nothing to show right now. Messages keep their last code (no edit)
      // and the next code that appears is compared against nothing, so it is shown at once.
      lastEvidenceAt = Math.max(lastEvidenceAt ?? at, at);
      code = null;
      latestQr = null;
      staleLooks = 0;
      if (state === 'starting') nextIsFirst = true;
    }
  }

  function backOff(error: unknown): void {
    failures += 1;
    const delayMs = errorBackoffMs(failures, pollIntervalMs, retryAfterOf(error));
    retryAt = clock.now() + delayMs;
    logger.warn({ sessionId, err: describeError(error), failures, retryInMs: delayMs }, 'live QR look failed; will retry');
  }

  /** Renders the current code and starts the edits of every message behind it; resolves to those edits. */
  async function showCode(): Promise<{ edits: Promise<void> }> {
    const current = code;
    if (current === null) return { edits: Promise.resolve() };
    const behind = [...tracked.values()].filter(
      (m) => m.shownFingerprint !== current.fingerprint && m.pendingFingerprint !== current.fingerprint,
    );
    if (behind.length === 0) return { edits: allEdits() };
    let png: Buffer;
    try {
      png = await ctx.pngFor(current.fingerprint, current.payload);
    } catch (error) {
      logger.warn({ sessionId, err: describeError(error) }, 'new QR code could not be rendered; messages keep the last one');
      return { edits: Promise.resolve() };
    }
    for (const m of behind) {
      m.pendingFingerprint = current.fingerprint;
      const edit = editToCode(m, current, png)
        .catch((error: unknown) => logger.error({ sessionId, err: describeError(error) }, 'live QR edit failed unexpectedly'))
        .finally(() => {
          inFlightEdits.delete(edit);
          if (m.pendingFingerprint === current.fingerprint) m.pendingFingerprint = null;
        });
      inFlightEdits.add(edit);
      ctx.track(edit);
    }
    return { edits: allEdits() };
  }

  function allEdits(): Promise<void> {
    return Promise.all([...inFlightEdits]).then(() => undefined);
  }

  function editToCode(m: TrackedMessage, current: CurrentCode, png: Buffer): Promise<void> {
    const key = messageKey(m.chatId, m.messageId);
    return ctx.withMessage(m.chatId, m.messageId, async () => {
      if (tracked.get(key) !== m || m.shownFingerprint === current.fingerprint || code !== current) return;
      const view = codeViewOf(sessionId, png, current.fingerprint, codeExpiry(current), m.codeNumber + 1);
      const result = await tryEdit(m, view);
      if (result === 'failed') return;
      if (result === 'gone') {
        tracked.delete(key);
        ctx.persist(m.chatId, m.messageId, { state: 'gone' });
        reschedule(); // edits outlive their look: the last message gone must end the watch now, not at the next timer
        return;
      }
      m.shownFingerprint = current.fingerprint;
      m.codeNumber += 1;
      ctx.persist(m.chatId, m.messageId, { fingerprint: current.fingerprint, expiresAt: current.expiresAt });
    });
  }

  async function tryEdit(m: TrackedMessage, view: QrView): Promise<'ok' | 'not_modified' | 'gone' | 'failed'> {
    counters.edits += 1;
    try {
      return await messenger.edit(m.chatId, m.messageId, view);
    } catch (error) {
      logger.warn(
        { sessionId, chatId: m.chatId, messageId: m.messageId, view: view.kind, err: describeError(error) },
        'live QR edit failed; will retry',
      );
      return 'failed';
    }
  }

  /**
   * Edits one message to a final view and stops watching it. A refused edit is not retried by looks: the
   * final edits take it over (the message may still show a code, and nothing here would edit it again).
   */
  function finish(m: TrackedMessage, view: FinalView): Promise<void> {
    const key = messageKey(m.chatId, m.messageId);
    return ctx.withMessage(m.chatId, m.messageId, async () => {
      if (tracked.get(key) !== m) return;
      const result = await tryEdit(m, view);
      if (tracked.get(key) !== m) return;
      tracked.delete(key);
      ctx.finals.record({ chatId: m.chatId, messageId: m.messageId, sessionId }, view, result);
    });
  }

  async function finishAll(view: FinalView): Promise<void> {
    await Promise.all([...tracked.values()].map((m) => finish(m, view)));
  }

  async function expireOverdue(now: number): Promise<void> {
    const overdue = [...tracked.values()].filter((m) => now >= m.deadlineAt);
    await Promise.all(overdue.map((m) => finish(m, { kind: 'expired', sessionId, reason: 'timed_out' })));
  }

  const self: SessionWatcher = {
    sessionId,
    attach(message) {
      tracked.set(messageKey(message.chatId, message.messageId), message);
      if (code !== null && message.shownFingerprint !== code.fingerprint && lastLookAt !== null) forced = true;
      reschedule();
    },
    detach(chatId, messageId) {
      const key = messageKey(chatId, messageId);
      const message = tracked.get(key);
      if (message === undefined) return undefined;
      tracked.delete(key);
      reschedule();
      return message;
    },
    messages: () => [...tracked.values()],
    observe,
    latest: () => (code === null ? null : latestQr),
    expiryOf: (fingerprint) => (code !== null && code.fingerprint === fingerprint ? codeExpiry(code) : null),
    lookNow() {
      if (halted || ctx.isStopped() || tracked.size === 0) return Promise.resolve();
      forced = true;
      if (retryAt !== null && retryAt > clock.now()) {
        reschedule();
        return Promise.resolve();
      }
      const done = new Promise<void>((resolve) => waiters.push(resolve));
      reschedule();
      return done;
    },
    poke() {
      if (halted || ctx.isStopped() || tracked.size === 0) return;
      forced = true;
      reschedule();
    },
    halt() {
      halted = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      releaseWaiters();
    },
    schedule,
    stats: () => ({ ...counters }),
  };
  return self;
}
