import { createLiveQr } from '../../src/live/live-qr.js';
import type { Clock, TimerHandle } from '../../src/shared/clock.js';
import type { QrMessenger, QrView } from '../../src/live/types.js';
import type { LiveMessage, LiveMessageStore } from '../../src/store/types.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import { createWasendApiError, WasendInvalidResponseError, type WasendError } from '../../src/wasend/errors.js';
import type { NormalizedQr, QrPayload, RequestOptions, SessionInfo, SessionState, WasendApi } from '../../src/wasend/types.js';

/** A clock that only moves when told to; `advance` fires due timers in order and lets promises settle. */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; seq: number; callback: () => void }>();

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, delayMs), seq: id, callback });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Lets every queued promise callback (and those they queue) run. */
  async flush(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await this.flush();
      let next: { id: number; at: number; seq: number; callback: () => void } | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) {
          next = { id, ...timer };
        }
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.callback();
    }
    this.t = target;
    await this.flush();
  }

  /** Advances in steps until the promise settles (at most `maxMs`). */
  async run<T>(promise: Promise<T>, options: { stepMs?: number; maxMs?: number } = {}): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await this.flush();
    for (let spent = 0; !settled && spent < (options.maxMs ?? 120_000); spent += options.stepMs ?? 50) {
      await this.advance(options.stepMs ?? 50);
    }
    return promise;
  }
}

type RawStatus = 'STOPPED' | 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' | 'FAILED' | 'PASSKEY_REQUIRED' | 'PASSKEY_CONFIRMATION_REQUIRED';

interface FakeSession {
  status: RawStatus;
  series: number;
  startingUntil: number;
  /** When the first code of the current series appeared. */
  qrStartAt: number;
  withExpiresAt: boolean;
}

const STATE_OF: Record<RawStatus, SessionState> = {
  STOPPED: 'stopped',
  STARTING: 'starting',
  SCAN_QR_CODE: 'awaiting_scan',
  WORKING: 'connected',
  FAILED: 'failed',
  PASSKEY_REQUIRED: 'passkey_required',
  PASSKEY_CONFIRMATION_REQUIRED: 'passkey_confirmation',
};

export interface WasendCall {
  readonly method: keyof WasendApi;
  readonly sessionId: string;
  readonly at: number;
  readonly priority?: string;
}

/** An in-memory Wasend that behaves like WAHA on the fake clock: 60 s first code, then 20 s, 6 codes, FAILED. */
export class FakeWasend implements WasendApi {
  readonly calls: WasendCall[] = [];
  private readonly sessions = new Map<string, FakeSession>();
  private readonly faults: Array<{ method: keyof WasendApi; error: () => Error; count: number }> = [];

  constructor(
    private readonly clock: FakeClock,
    private readonly options: { startingMs?: number } = {},
  ) {}

  /** `codeAgeMs`: for a SCAN_QR_CODE session, how long its series has been running. */
  addSession(id: string, init: { status: RawStatus; codeAgeMs?: number; withExpiresAt?: boolean }): void {
    const now = this.clock.now();
    this.sessions.set(id, {
      status: init.status,
      series: 1,
      startingUntil: now + (this.options.startingMs ?? 2_000),
      qrStartAt: now - (init.codeAgeMs ?? 0),
      withExpiresAt: init.withExpiresAt ?? false,
    });
  }

  failNext(method: keyof WasendApi, error: () => Error, count = 1): void {
    this.faults.push({ method, error, count });
  }

  scan(id: string): void {
    this.session(id).status = 'WORKING';
  }

  stop(id: string): void {
    this.session(id).status = 'STOPPED';
  }

  callsOf(method: keyof WasendApi, sessionId?: string): WasendCall[] {
    return this.calls.filter((c) => c.method === method && (sessionId === undefined || c.sessionId === sessionId));
  }

  /** The code a phone would scan now, or null. */
  currentFingerprint(id: string): string | null {
    const s = this.resolve(id);
    return s?.status === 'SCAN_QR_CODE' ? this.code(id, s).fingerprint : null;
  }

  async getQr(sessionId: string, options?: RequestOptions): Promise<NormalizedQr> {
    this.record('getQr', sessionId, options);
    const s = this.resolve(sessionId);
    if (!s) throw this.apiError(404, 'GET', `/sessions/${sessionId}/qr`);
    if (s.status === 'WORKING') throw this.apiError(409, 'GET', `/sessions/${sessionId}/qr`);
    if (s.status !== 'SCAN_QR_CODE') throw this.apiError(422, 'GET', `/sessions/${sessionId}/qr`);
    return this.code(sessionId, s);
  }

  async getSession(sessionId: string, options?: RequestOptions): Promise<SessionInfo> {
    this.record('getSession', sessionId, options);
    const s = this.resolve(sessionId);
    if (!s) throw this.apiError(404, 'GET', `/sessions/${sessionId}`);
    return { id: sessionId, status: { state: STATE_OF[s.status], raw: s.status } };
  }

  // Calls the code under test here never makes: each throws, so a test that reaches one fails loudly.
  createSession = unsupported('createSession');
  deleteSession = unsupported('deleteSession');
  getAccount = unsupported('getAccount');

  /** Pairing codes handed out, in order. */
  readonly pairingCodes: string[] = [];

  /** WhatsApp asks for a passkey (`required`) or shows a code to compare (`confirmation`, code 4321). */
  passkey(id: string, step: 'required' | 'confirmation'): void {
    this.session(id).status = step === 'required' ? 'PASSKEY_REQUIRED' : 'PASSKEY_CONFIRMATION_REQUIRED';
  }

  /** The session starts a fresh QR series at once (no STARTING), as after a passkey step gave up. */
  backToScanning(id: string): void {
    const s = this.session(id);
    s.status = 'SCAN_QR_CODE';
    s.series += 1;
    s.qrStartAt = this.clock.now();
  }

  async requestPairingCode(sessionId: string, _phone: string, options?: RequestOptions): Promise<string> {
    this.record('requestPairingCode', sessionId, options);
    const s = this.resolve(sessionId);
    if (!s) throw this.apiError(404, 'POST', `/sessions/${sessionId}/auth/request-code`);
    if (s.status !== 'SCAN_QR_CODE') throw this.apiError(422, 'POST', `/sessions/${sessionId}/auth/request-code`);
    const code = `PAIR-${String(this.pairingCodes.length + 1).padStart(4, '0')}`;
    this.pairingCodes.push(code);
    return code;
  }

  async getPasskeyConfirmation(sessionId: string, options?: RequestOptions): Promise<string> {
    this.record('getPasskeyConfirmation', sessionId, options);
    if (this.resolve(sessionId)?.status !== 'PASSKEY_CONFIRMATION_REQUIRED')
      throw this.apiError(422, 'GET', `/sessions/${sessionId}/auth/passkey/confirmation`);
    return '4321';
  }

  async confirmPasskey(sessionId: string, options?: RequestOptions): Promise<void> {
    this.record('confirmPasskey', sessionId, options);
    if (this.resolve(sessionId)?.status !== 'PASSKEY_CONFIRMATION_REQUIRED')
      throw this.apiError(422, 'POST', `/sessions/${sessionId}/auth/passkey/confirm`);
    this.session(sessionId).status = 'WORKING';
  }

  async listSessions(options?: RequestOptions): Promise<SessionInfo[]> {
    this.record('listSessions', '*', options);
    return [...this.sessions.keys()].map((id) => {
      const s = this.resolve(id) as FakeSession;
      return { id, status: { state: STATE_OF[s.status], raw: s.status } };
    });
  }

  async startSession(sessionId: string, options?: RequestOptions): Promise<void> {
    this.record('startSession', sessionId, options);
    this.restartSeries(sessionId);
  }

  async stopSession(sessionId: string, options?: RequestOptions): Promise<void> {
    this.record('stopSession', sessionId, options);
    this.session(sessionId).status = 'STOPPED';
  }

  async restartSession(sessionId: string, options?: RequestOptions): Promise<void> {
    this.record('restartSession', sessionId, options);
    this.restartSeries(sessionId);
  }

  private restartSeries(id: string): void {
    const s = this.session(id);
    s.status = 'STARTING';
    s.series += 1;
    s.startingUntil = this.clock.now() + (this.options.startingMs ?? 2_000);
  }

  private record(method: keyof WasendApi, sessionId: string, options?: RequestOptions): void {
    this.calls.push({ method, sessionId, at: this.clock.now(), ...(options?.lane ? { priority: options.lane } : {}) });
    const fault = this.faults.find((f) => f.method === method && f.count > 0);
    if (fault) {
      fault.count -= 1;
      throw fault.error();
    }
  }

  private session(id: string): FakeSession {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`fake: no session ${id}`);
    return s;
  }

  private resolve(id: string): FakeSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = this.clock.now();
    if (s.status === 'STARTING' && now >= s.startingUntil) {
      s.status = 'SCAN_QR_CODE';
      s.qrStartAt = s.startingUntil;
    }
    if (s.status === 'SCAN_QR_CODE' && codeIndex(now - s.qrStartAt) >= 6) s.status = 'FAILED';
    return s;
  }

  private code(id: string, s: FakeSession): NormalizedQr {
    const index = codeIndex(this.clock.now() - s.qrStartAt);
    const payload: QrPayload = { kind: 'raw', value: `2@${id}-${s.series}-${index}` };
    const expiresAt = s.qrStartAt + 60_000 + index * 20_000;
    return {
      payload,
      fingerprint: `${id}#${s.series}.${index}`,
      ...(s.withExpiresAt ? { expiresAt: new Date(expiresAt) } : {}),
    };
  }

  private apiError(status: number, method: string, path: string): WasendError {
    return createWasendApiError({ status, method, path });
  }
}

export const invalidQrError = (): Error =>
  new WasendInvalidResponseError({ method: 'GET', path: '/sessions/x/qr', status: 200, reason: 'schema', detail: 'test' });

function codeIndex(elapsedMs: number): number {
  return elapsedMs < 60_000 ? 0 : 1 + Math.floor((elapsedMs - 60_000) / 20_000);
}

/** Fake "render": a PNG stand-in that names the pairing string, so tests can read which code a message shows. */
export function createFakeRender(): { render: (payload: QrPayload) => Promise<Buffer>; calls: QrPayload[] } {
  const calls: QrPayload[] = [];
  return {
    calls,
    render: async (payload) => {
      calls.push(payload);
      if (payload.kind !== 'raw') throw new Error('fake render only draws raw codes');
      if (payload.value === 'broken') throw Object.assign(new Error('unreadable'), { name: 'QrRenderError' });
      return Buffer.from(`png:${payload.value}`);
    },
  };
}

/** What the user sees in one message. */
export interface FakeChatMessage {
  readonly chatId: number;
  readonly messageId: number;
  view: QrView;
  edits: number;
  deleted: boolean;
}

type EditFault = 'throw' | 'gone' | 'not_modified';

/** An in-memory Telegram for QR views: `edit` answers like Telegram (`not_modified` for an identical view). */
export class FakeMessenger implements QrMessenger {
  readonly calls: Array<{ method: 'send' | 'edit'; chatId: number; messageId: number; view: QrView; at: number }> = [];
  private readonly messages = new Map<string, FakeChatMessage>();
  private nextId = 100;
  private readonly faults: Array<{ chatId?: number; fault: EditFault; count: number }> = [];
  /** When set, every edit waits for it (to test work in flight). */
  gate: Promise<void> | null = null;
  private readonly holds: Array<{ matches: (view: QrView) => boolean; released: Promise<void> }> = [];

  /**
   * Edits whose view matches wait (after being recorded as called) until the returned function is called,
   * then apply: like Telegram answering one slow request late.
   */
  holdEdits(matches: (view: QrView) => boolean): () => void {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold = { matches, released };
    this.holds.push(hold);
    return () => {
      this.holds.splice(this.holds.indexOf(hold), 1);
      release();
    };
  }

  constructor(private readonly clock: FakeClock) {}

  async send(chatId: number, view: QrView): Promise<{ messageId: number }> {
    const messageId = this.nextId++;
    this.calls.push({ method: 'send', chatId, messageId, view, at: this.clock.now() });
    this.messages.set(`${chatId}:${messageId}`, { chatId, messageId, view, edits: 0, deleted: false });
    return { messageId };
  }

  async edit(chatId: number, messageId: number, view: QrView): Promise<'ok' | 'not_modified' | 'gone'> {
    this.calls.push({ method: 'edit', chatId, messageId, view, at: this.clock.now() });
    if (this.gate) await this.gate;
    const hold = this.holds.find((h) => h.matches(view));
    if (hold) await hold.released;
    const fault = this.faults.find((f) => f.count > 0 && (f.chatId === undefined || f.chatId === chatId));
    if (fault) {
      fault.count -= 1;
      if (fault.fault === 'throw') throw new Error('Telegram: 502 Bad Gateway');
      if (fault.fault === 'gone') return 'gone';
      return 'not_modified';
    }
    const message = this.messages.get(`${chatId}:${messageId}`);
    if (!message || message.deleted) return 'gone';
    if (sameView(message.view, view)) return 'not_modified';
    message.view = view;
    message.edits += 1;
    return 'ok';
  }

  failNextEdit(fault: EditFault, options: { chatId?: number; count?: number } = {}): void {
    this.faults.push({ fault, count: options.count ?? 1, ...(options.chatId !== undefined ? { chatId: options.chatId } : {}) });
  }

  /** Seeds a message the bot sent before a restart. */
  seed(chatId: number, messageId: number, view: QrView): void {
    this.messages.set(`${chatId}:${messageId}`, { chatId, messageId, view, edits: 0, deleted: false });
  }

  deleteByUser(chatId: number, messageId: number): void {
    const m = this.messages.get(`${chatId}:${messageId}`);
    if (m) m.deleted = true;
  }

  message(chatId: number, messageId: number): FakeChatMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  /**
   * The pairing string a message's photo shows, `pairing:<code>` / `passkey` / `passkey:<code>` for the other faces,
   * or its view kind when it shows no code.
   */
  shows(chatId: number, messageId: number): string | undefined {
    const view = this.message(chatId, messageId)?.view;
    if (!view) return undefined;
    if (view.kind !== 'code') return view.kind;
    switch (view.face?.kind) {
      case 'pairing':
        return `pairing:${view.face.code}`;
      case 'passkey_required':
        return 'passkey';
      case 'passkey_confirm':
        return `passkey:${view.face.code}`;
      default:
        return view.png.toString().replace(/^png:/, '');
    }
  }

  sends(chatId?: number) {
    return this.calls.filter((c) => c.method === 'send' && (chatId === undefined || c.chatId === chatId));
  }

  edits(chatId?: number, messageId?: number) {
    return this.calls.filter(
      (c) => c.method === 'edit' && (chatId === undefined || c.chatId === chatId) && (messageId === undefined || c.messageId === messageId),
    );
  }
}

function sameView(a: QrView, b: QrView): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'code' && b.kind === 'code') return a.fingerprint === b.fingerprint && a.codeNumber === b.codeNumber;
  if (a.kind === 'expired' && b.kind === 'expired') return a.reason === b.reason;
  return true;
}

/** LiveMessageStore in a Map, same contract as the SQLite one. */
export class MemoryLiveStore implements LiveMessageStore {
  readonly rows = new Map<string, LiveMessage>();

  constructor(private readonly clock: FakeClock) {}

  async save(message: LiveMessage): Promise<void> {
    this.rows.set(`${message.chatId}:${message.messageId}`, { ...message });
  }

  /** The stored row now, without waiting (for assertions). */
  peek(chatId: number, messageId: number): LiveMessage | undefined {
    const row = this.rows.get(`${chatId}:${messageId}`);
    return row ? { ...row } : undefined;
  }

  async get(chatId: number, messageId: number): Promise<LiveMessage | undefined> {
    return this.peek(chatId, messageId);
  }

  async update(chatId: number, messageId: number, patch: Parameters<LiveMessageStore['update']>[2], now?: number): Promise<LiveMessage | undefined> {
    const row = this.rows.get(`${chatId}:${messageId}`);
    if (!row) return undefined;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const updated = { ...row, ...defined, updatedAt: now ?? this.clock.now() };
    this.rows.set(`${chatId}:${messageId}`, updated);
    return { ...updated };
  }

  /** The rows showing a code now, without waiting (for assertions). */
  peekLive(): LiveMessage[] {
    return [...this.rows.values()].filter((r) => r.state === 'showing').map((r) => ({ ...r }));
  }

  async listLive(): Promise<LiveMessage[]> {
    return this.peekLive();
  }

  async listLiveBySession(sessionId: string): Promise<LiveMessage[]> {
    return this.peekLive().filter((r) => r.sessionId === sessionId);
  }

  async listLiveByChat(chatId: number): Promise<LiveMessage[]> {
    return this.peekLive().filter((r) => r.chatId === chatId);
  }

  async sessionsWithWork(): Promise<string[]> {
    const rows = [...this.rows.values()].filter((r) => r.state === 'showing' || (r.finalEditSince !== undefined && r.finalEditSince !== null));
    return [...new Set(rows.map((r) => r.sessionId))].sort();
  }

  async listFinalPending(): Promise<LiveMessage[]> {
    return [...this.rows.values()]
      .filter((r) => r.finalEditSince !== undefined && r.finalEditSince !== null)
      .sort((a, b) => a.finalEditSince! - b.finalEditSince!)
      .map((r) => ({ ...r }));
  }
}

/** A live QR engine on fakes, as the tests drive it; `stopAll` stops every engine made. */
export function createLiveHarness(
  deps: Partial<Omit<Parameters<typeof createLiveQr>[0], 'clock' | 'store' | 'messenger' | 'wasend'>> & {
    clock?: FakeClock;
    store?: MemoryLiveStore;
    messenger?: FakeMessenger;
    wasend?: FakeWasend;
  } = {},
) {
  const clock = deps.clock ?? new FakeClock();
  const wasend = deps.wasend ?? new FakeWasend(clock);
  const messenger = deps.messenger ?? new FakeMessenger(clock);
  const store = deps.store ?? new MemoryLiveStore(clock);
  const logger = createMemoryLogger();
  const live = createLiveQr({
    render: createFakeRender().render,
    logger,
    pollIntervalMs: 2_000,
    watchTimeoutMs: 600_000,
    codeWaitMs: 30_000,
    ...deps,
    wasend,
    store,
    messenger,
    clock,
  });
  const sentId = async (chatId: number, sessionId = 'demo') => {
    const outcome = await clock.run(live.open({ chatId, userId: chatId, sessionId }));
    if (outcome.kind !== 'sent') throw new Error(`open: ${JSON.stringify(outcome)}`);
    return outcome.messageId;
  };
  return { clock, wasend, messenger, store, logger, live, sentId, stop: () => clock.run(live.stop()) };
}

function unsupported(method: string): () => Promise<never> {
  return () => Promise.reject(new Error(`${method} is not part of this fake Wasend`));
}
