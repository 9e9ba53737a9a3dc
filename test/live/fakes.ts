import { createLiveQr } from '../../src/live/live-qr.js';
export { FakeClock, FakeWasend, invalidQrError };
import { FakeClock } from '../support/fake-clock.js';
import { FakeWasend, invalidQrError } from '../support/fake-gateway.js';
import type { QrMessenger, QrView } from '../../src/live/types.js';
import type { LiveMessage, LiveMessageStore } from '../../src/store/types.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import type { QrPayload } from '../../src/wasend/types.js';

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
