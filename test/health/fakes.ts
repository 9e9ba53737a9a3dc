import { createHealthMonitor } from '../../src/health/monitor.js';
import { createStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import type { HealthAlertInfo, HealthNotifier } from '../../src/health/types.js';
import type { Watch } from '../../src/store/types.js';
import { createWasendApiError } from '../../src/wasend/errors.js';
import { toSessionStatus } from '../../src/wasend/status.js';
import type { NormalizedQr, RequestOptions, SessionInfo, WasendApi } from '../../src/wasend/types.js';

export interface StatusCall {
  readonly method: 'listSessions' | 'getSession';
  readonly sessionId?: string;
  readonly priority?: string;
}

/** Wasend reduced to what the health monitor reads: a status word per session, with scripted failures. */
export class StatusWasend implements WasendApi {
  readonly calls: StatusCall[] = [];
  /** Raw WAHA/Wasend status per session; a session absent here is unknown to Wasend (404, not listed). */
  readonly statuses = new Map<string, string>();
  /** When set, `GET /sessions` answers this status (404 = this server has no list). */
  listStatus: number | undefined;
  private failures: Array<{ method: StatusCall['method']; status: number; count: number }> = [];

  set(status: string, ...ids: string[]): void {
    for (const id of ids) this.statuses.set(id, status);
  }

  failNext(method: StatusCall['method'], status: number, count = 1): void {
    this.failures.push({ method, status, count });
  }

  count(method: StatusCall['method'], sessionId?: string): number {
    return this.calls.filter((c) => c.method === method && (sessionId === undefined || c.sessionId === sessionId)).length;
  }

  // Calls the code under test here never makes: each throws, so a test that reaches one fails loudly.
  createSession = unsupported('createSession');
  deleteSession = unsupported('deleteSession');
  requestPairingCode = unsupported('requestPairingCode');
  getPasskeyConfirmation = unsupported('getPasskeyConfirmation');
  confirmPasskey = unsupported('confirmPasskey');
  getAccount = unsupported('getAccount');

  async listSessions(options?: RequestOptions): Promise<SessionInfo[]> {
    this.record({ method: 'listSessions', ...(options?.lane ? { priority: options.lane } : {}) });
    if (this.listStatus !== undefined) throw createWasendApiError({ status: this.listStatus, method: 'GET', path: '/sessions' });
    return [...this.statuses].map(([id, raw]) => ({ id, status: toSessionStatus(raw) }));
  }

  async getSession(sessionId: string, options?: RequestOptions): Promise<SessionInfo> {
    this.record({ method: 'getSession', sessionId, ...(options?.lane ? { priority: options.lane } : {}) });
    const raw = this.statuses.get(sessionId);
    if (raw === undefined) throw createWasendApiError({ status: 404, method: 'GET', path: `/sessions/${sessionId}` });
    return { id: sessionId, status: toSessionStatus(raw) };
  }

  async getQr(): Promise<NormalizedQr> {
    throw new Error('not used by the health monitor');
  }
  async startSession(): Promise<void> {
    throw new Error('not used by the health monitor');
  }
  async stopSession(): Promise<void> {
    throw new Error('not used by the health monitor');
  }
  async restartSession(): Promise<void> {
    throw new Error('not used by the health monitor');
  }

  private record(call: StatusCall): void {
    this.calls.push(call);
    const failure = this.failures.find((f) => f.method === call.method && f.count > 0);
    if (failure) {
      failure.count -= 1;
      throw createWasendApiError({ status: failure.status, method: 'GET', path: '/sessions' });
    }
  }
}

export interface SentAlert {
  readonly kind: 'down' | 'up';
  readonly userId: number;
  readonly chatId: number;
  readonly sessionId: string;
  readonly raw: string;
}

/** Records every alert; `failFor` makes alerts to one chat reject. */
export function createMemoryNotifier(): HealthNotifier & {
  sent: SentAlert[];
  failFor: Set<number>;
  of(kind: 'down' | 'up', sessionId?: string): SentAlert[];
} {
  const sent: SentAlert[] = [];
  const failFor = new Set<number>();
  const push = async (kind: 'down' | 'up', watch: Watch, info: HealthAlertInfo) => {
    if (failFor.has(watch.chatId)) throw new Error('Telegram: 500 Internal Server Error');
    sent.push({ kind, userId: watch.userId, chatId: watch.chatId, sessionId: info.sessionId, raw: info.status.raw });
  };
  return {
    sent,
    failFor,
    of: (kind, sessionId) => sent.filter((a) => a.kind === kind && (sessionId === undefined || a.sessionId === sessionId)),
    alertDown: (watch, info) => push('down', watch, info),
    alertUp: (watch, info) => push('up', watch, info),
  };
}

function unsupported(method: string): () => Promise<never> {
  return () => Promise.reject(new Error(`${method} is not part of this fake Wasend`));
}

/** A health monitor against `wasend` with an in-memory store and notifier (confirming a drop after 20 ms). */
export async function monitorAgainst(wasend: WasendApi): Promise<{
  monitor: ReturnType<typeof createHealthMonitor>;
  store: Store;
  notifier: ReturnType<typeof createMemoryNotifier>;
  close: () => Promise<void>;
}> {
  const store = await createStore(':memory:');
  const notifier = createMemoryNotifier();
  const monitor = createHealthMonitor({
    wasend,
    watches: store.watches,
    state: store.health,
    notifier,
    logger: createMemoryLogger(),
    intervalMs: 60_000,
    confirmDelayMs: 20,
  });
  return {
    monitor,
    store,
    notifier,
    async close() {
      await monitor.stop();
      await store.close();
    },
  };
}
