import { createWasendApiError, WasendInvalidResponseError, type WasendError } from '../../src/wasend/errors.js';
import { toSessionStatus } from '../../src/wasend/status.js';
import type { NormalizedQr, QrPayload, RequestOptions, SessionInfo, WasendApi } from '../../src/wasend/types.js';
import type { FakeClock } from './fake-clock.js';

type RawStatus = 'STOPPED' | 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' | 'FAILED' | 'PASSKEY_REQUIRED' | 'PASSKEY_CONFIRMATION_REQUIRED';

interface FakeSession {
  /** The gateway's status word: the ones of {@link RawStatus} drive the series, any other is reported as it is. */
  status: RawStatus | (string & {});
  series: number;
  startingUntil: number;
  /** When the first code of the current series appeared. */
  qrStartAt: number;
  withExpiresAt: boolean;
}

export interface WasendCall {
  readonly method: keyof WasendApi;
  /** Absent for `listSessions`. */
  readonly sessionId?: string;
  readonly at: number;
  readonly priority?: string;
}

/**
 * The one in-memory gateway of the unit tests: it behaves like WAHA on the fake clock (60 s first code, then 20 s,
 * 6 codes, FAILED; status words mapped by the product's own `toSessionStatus`), records every call, and fails on
 * demand. The tests that need real HTTP use the simulator instead.
 */
export class FakeWasend implements WasendApi {
  readonly calls: WasendCall[] = [];
  private readonly sessions = new Map<string, FakeSession>();
  private readonly faults: Array<{ method: keyof WasendApi; error: () => Error; count: number }> = [];
  /** When set, `GET /sessions` answers this HTTP status (404: a server without the list). */
  listStatus: number | undefined;

  constructor(
    private readonly clock: FakeClock,
    private readonly options: { startingMs?: number } = {},
  ) {}

  /** `codeAgeMs`: for a SCAN_QR_CODE session, how long its series has been running. */
  addSession(id: string, init: { status: FakeSession['status']; codeAgeMs?: number; withExpiresAt?: boolean }): void {
    const now = this.clock.now();
    this.sessions.set(id, {
      status: init.status,
      series: 1,
      startingUntil: now + (this.options.startingMs ?? 2_000),
      qrStartAt: now - (init.codeAgeMs ?? 0),
      withExpiresAt: init.withExpiresAt ?? false,
    });
  }

  /** The next `count` calls of `method` fail with `error`, or with the gateway's answer of that HTTP status. */
  failNext(method: keyof WasendApi, error: (() => Error) | number, count = 1): void {
    const make = typeof error === 'number' ? () => this.apiError(error, 'GET', `/${method}`) : error;
    this.faults.push({ method, error: make, count });
  }

  /** Sets the status word of sessions, adding the ones it does not know yet. */
  set(status: string, ...ids: string[]): void {
    for (const id of ids) {
      if (this.sessions.has(id)) this.session(id).status = status;
      else this.addSession(id, { status });
    }
  }

  /** The gateway forgets a session (404 from then on, no longer listed). */
  remove(id: string): void {
    this.sessions.delete(id);
  }

  count(method: keyof WasendApi, sessionId?: string): number {
    return this.callsOf(method, sessionId).length;
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
    return { id: sessionId, status: toSessionStatus(s.status) };
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
    this.record('listSessions', undefined, options);
    if (this.listStatus !== undefined) throw this.apiError(this.listStatus, 'GET', '/sessions');
    return [...this.sessions.keys()].map((id) => {
      const s = this.resolve(id) as FakeSession;
      return { id, status: toSessionStatus(s.status) };
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

  private record(method: keyof WasendApi, sessionId: string | undefined, options?: RequestOptions): void {
    this.calls.push({
      method,
      ...(sessionId !== undefined ? { sessionId } : {}),
      at: this.clock.now(),
      ...(options?.lane ? { priority: options.lane } : {}),
    });
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

function unsupported(method: string): () => Promise<never> {
  return () => Promise.reject(new Error(`${method} is not part of this fake Wasend`));
}
