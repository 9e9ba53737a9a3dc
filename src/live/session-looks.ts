/** What the session runner offers the rest of the engine, and what it needs (see session-runner.ts). */
import type { Clock } from '../shared/clock.js';
import type { LogSink } from '../shared/logger.js';
import type { QrPayload, RequestLane, RequestOptions, WasendApi } from '../wasend/types.js';
import type { QrFetch } from './acquire.js';
import type { ObservedTiming } from './code-state.js';
import type { EffectRunner, LiveRecord } from './effects.js';
import type { FeedStatus } from './feed.js';
import type { CodeShow } from './message.js';
import type { CodeLifetimes } from './schedule.js';

export interface SessionLooksDeps {
  readonly wasend: Pick<WasendApi, 'getQr' | 'getPasskeyConfirmation'>;
  readonly clock: Clock;
  readonly logger: LogSink;
  readonly runner: EffectRunner;
  readonly pollIntervalMs: number;
  /** Pure payload -> PNG renderer; a rejection means the payload is unusable. */
  readonly render: (payload: QrPayload) => Promise<Buffer>;
  /** How long codes live when Wasend sends no expiry; default WAHA's. */
  readonly lifetimes?: CodeLifetimes;
  /** The set of sessions with a live message changed (the status feed starts or stops). */
  onSessionsChanged(): void;
  /** A message was edited to a new QR: seconds since the answer that showed the code (metrics). */
  onCodeEdited?: (seconds: number) => void;
}

export interface SessionLooks {
  attach: (record: LiveRecord, fetched?: QrFetch, timing?: ObservedTiming) => void;
  detach: (record: LiveRecord) => void;
  /** `getQr` shared by every caller while one is in flight for the session. */
  fetchQr: (sessionId: string, options: RequestOptions) => Promise<QrFetch>;
  newerCode: (sessionId: string, after: number) => QrFetch | undefined;
  /** The code of `fetched` as a message shows it (rendered once per fingerprint). */
  codeShow: (sessionId: string, fetched: QrFetch, timing?: ObservedTiming) => Promise<CodeShow>;
  /** Look at the session's code now; resolves when the look and the edits it started are done. */
  lookNow: (sessionId: string, lane: RequestLane) => Promise<void>;
  onStatus: (sessionId: string, status: FeedStatus, at: number) => void;
  /** A webhook carried the passkey confirmation code of the session. */
  notePasskeyCode: (sessionId: string, code: string) => void;
  /** Puts in front of the message what it should show now (after its pairing code came or went). */
  showNow: (record: LiveRecord) => Promise<void>;
  liveSessions: () => string[];
  /** Whether any session has a live message, without listing them. */
  anyLive: () => boolean;
  /** Live sessions by the state the feed last saw. */
  states: () => Record<string, number>;
  isLive: (sessionId: string) => boolean;
  halt: () => void;
}
