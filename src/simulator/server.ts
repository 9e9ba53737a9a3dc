import { createHash, timingSafeEqual } from 'node:crypto';
import http, { STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createImageCache, pairingCode } from './codes.js';
import type { ImageStyle } from './codes.js';
import { createTiming, EVOLUTION_SERIES, WAHA_SERIES, initialPhase, rotatePhase, startPhase, toVocabulary, viewAt } from './lifecycle.js';
import type { Phase, Vocabulary, WahaStatus } from './lifecycle.js';
import {
  EXPIRES_AT_FORMATS,
  LIST_SHAPES,
  QR_SHAPES,
  imageQrReply,
  isRawShape,
  rawQrReply,
  sessionBody as sessionBodyOf,
  sessionItem,
} from './responses.js';
import type { ExpiresAtFormat, ListShape, QrReply, QrShape } from './responses.js';
import { createSimClock } from './clock.js';
import { WAHA_VERSION, wahaRoute, wahaSessionInfo } from './waha-front.js';
import { evolutionError, evolutionInstance, evolutionRoute, evolutionState, LICENSE_REQUIRED } from './evolution-front.js';
import { createWebhookSender } from './webhook.js';
import type { SimWebhookOptions, WebhookSender } from './webhook.js';

export type { ExpiresAtFormat, ListShape, QrShape } from './responses.js';
export { QR_SHAPES } from './responses.js';
export type { ImageStyle } from './codes.js';
export type { WahaStatus } from './lifecycle.js';
export type { SimWebhookOptions } from './webhook.js';

/** A session to seed or add. Only `id` is required. */
export interface SimSessionSpec {
  /** The `uniqueSessionId` used in paths. */
  id: string;
  /** Display name; defaults to the id. */
  name?: string;
  /** Initial WAHA status, default `STOPPED`. `SCAN_QR_CODE` starts at code 1 now; `STARTING` runs the STARTING phase first. */
  status?: 'STOPPED' | 'WORKING' | 'SCAN_QR_CODE' | 'STARTING' | 'FAILED';
  /** Which status words the server speaks for this session, default `waha`. */
  vocabulary?: Vocabulary;
  /** Shape of the QR response, default `data-base64`. */
  qrShape?: QrShape;
  /** How the QR image is drawn, default `plain` (about 264 px PNG). */
  imageStyle?: ImageStyle;
  /** Format of `expiresAt` in the `qrCode-expiresAt` shape, default `iso`. */
  expiresAtFormat?: ExpiresAtFormat;
  /** Where the status sits in list items, default `session` (`sessions[].session.status`). */
  listShape?: ListShape;
  /** For `SCAN_QR_CODE`: how long (simulated ms) its series has been running, default 0 (code 1 starts now). */
  seriesAgeMs?: number;
  /** The number Wasend holds for the session (`phoneNumber`), as a person would type it. */
  phoneNumber?: string;
}

export interface SimulatorOptions {
  /** The key expected in `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Time factor: 10 runs every lifecycle duration ten times faster. Default 1. */
  speed?: number;
  /** Length of the STARTING phase before the first code, in ms before scaling. Default 2000. */
  startingMs?: number;
  /** Which QR paths exist: `/sessions/:id/qr`, `/sessions/:id/auth/qr` or both (default). */
  qrPaths?: 'both' | 'qr-only' | 'auth-only';
  sessions?: SimSessionSpec[];
  /** Post WAHA `session.status` events on every status transition (and, as WAHA, at every new code). */
  webhook?: SimWebhookOptions;
  /**
   * Which gateway it answers as: `wasend` (default: `/sessions`, Bearer) or self-hosted `waha` (`/api/...`,
   * `X-Api-Key`, a bare-array list that leaves STOPPED sessions out unless `?all=true`, the QR as a binary PNG unless
   * `Accept` is exactly `application/json`, `format=raw`).
   */
  gateway?: 'wasend' | 'waha' | 'evolution';
  /** Evolution 2.4: every business route answers `503 LICENSE_REQUIRED` until the instance is activated. */
  licenseRequired?: boolean;
  /**
   * Whether `POST /sessions/{id}/auth/request-code` exists (WAHA has it, Wasend's docs do not). Default true;
   * false answers it with a router 404, as a server without the endpoint does.
   */
  pairingCodes?: boolean;
  /**
   * WAHA waits this long (real ms) for a STARTING session to show its first code before a QR path answers 422.
   * Default 1000.
   */
  qrWaitMs?: number;
}

export interface SimSessionState {
  /** The status as the server reports it for this session (its vocabulary). */
  readonly status: string;
  /** The same in the WAHA vocabulary. */
  readonly wahaStatus: WahaStatus;
  /** The pairing string being served now, or null when there is no code. */
  readonly code: string | null;
  /** 1..6 while a code is served, else 0. */
  readonly codeIndex: number;
  /** How many series (start/restart) the session went through; 0 before the first. */
  readonly series: number;
  /** When the current code stops being served (ms epoch), or null. */
  readonly expiresAt: number | null;
  /** Whether a phone is linked: a linked session restarts to WORKING without a QR (stop keeps it, logout clears it). */
  readonly linked: boolean;
  /** The pairing code asked last in this series (what the phone must type), or null. */
  readonly pairingCode: string | null;
  /** The number that code was asked for (digits), or null. */
  readonly pairingPhone: string | null;
  /** How many pairing codes were asked for this session. */
  readonly pairingRequests: number;
  /** The passkey confirmation code while `PASSKEY_CONFIRMATION_REQUIRED`, else null. */
  readonly passkeyCode: string | null;
}

/**
 * A fault for the next API responses. `path` limits it to request paths containing that substring.
 * `slow` delays and then answers normally; `huge` streams a 200 JSON body of `bytes` bytes without a length;
 * `bad-image` only hits a QR response that has a code: `truncated` (default) sends the first half of the image,
 * `not-image` sends bytes that are no image at all.
 */
export type SimFault = (
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'garbage' }
  | { kind: 'reset' }
  | { kind: 'huge'; bytes: number }
  | { kind: 'bad-image'; variant?: 'truncated' | 'not-image' }
) & { path?: string };

export interface SimRequestRecord {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** Arrival time, ms epoch. */
  readonly at: number;
  /** The status sent; 0 when the connection was reset or no answer was sent. */
  status: number;
}

export interface WasendSimulator {
  /** Base URL to give the client, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
  /** Throws when the spec is invalid or the id already exists. */
  addSession(spec: SimSessionSpec): void;
  state(id: string): SimSessionState | undefined;
  /** The phone scanned: WORKING (CONNECTED), linked. */
  scan(id: string): void;
  /** FAILED (ERROR), as after the last code. */
  fail(id: string): void;
  /** STOPPED and unlinked: the next start needs a QR again. */
  logout(id: string): void;
  /** Serve the next code now (STARTING -> code 1, code 6 -> FAILED). Throws when no series is running. */
  rotate(id: string): void;
  /**
   * The phone typed a pairing code: links the session when it is the code last asked for (and the session still
   * links), else nothing. Returns whether it linked.
   */
  enterCode(id: string, code: string): boolean;
  /** WhatsApp asks for a passkey: `required` (PASSKEY_REQUIRED) or `confirmation` (PASSKEY_CONFIRMATION_REQUIRED, with a code). */
  passkey(id: string, step: 'required' | 'confirmation'): void;
  /** Turns `POST .../auth/request-code` on or off (off: a router 404). */
  setPairingCodes(enabled: boolean): void;
  /**
   * Draws ahead of time every code each session can still serve in its series (and in the next one for a
   * stopped or failed session), so that a benchmark's fake costs nothing when the bot asks. Resolves with the
   * number of images drawn.
   */
  prerender(): Promise<number>;
  /** Apply `fault` to the next `count` (default 1) matching API responses; faults queue in order. */
  injectFaults(fault: SimFault, count?: number): void;
  /**
   * Stops the simulated clock: no code ages and no series runs out until {@link resumeClock}. For tests that
   * wait for the bot to catch up (a takeover on a loaded machine) without racing WhatsApp's schedule.
   */
  pauseClock(): void;
  /** Starts the clock again; every code carries on from where it stopped. */
  resumeClock(): void;
  /** Every API request (not `/_sim/`), in arrival order (the last 100k or so). */
  readonly requests: SimRequestRecord[];
  resetRequests(): void;
}

const INITIAL_STATUSES = ['STOPPED', 'WORKING', 'SCAN_QR_CODE', 'STARTING', 'FAILED'] as const;

const specSchema = z.strictObject({
  id: z.string().min(1).max(512),
  name: z.string().optional(),
  status: z.enum(INITIAL_STATUSES).optional(),
  vocabulary: z.enum(['waha', 'wasend']).optional(),
  qrShape: z.enum(QR_SHAPES).optional(),
  imageStyle: z.enum(['plain', 'small', 'transparent', 'jpeg']).optional(),
  expiresAtFormat: z.enum(EXPIRES_AT_FORMATS).optional(),
  listShape: z.enum(LIST_SHAPES).optional(),
  seriesAgeMs: z.number().min(0).optional(),
  phoneNumber: z
    .string()
    .regex(/^\+?\d{8,15}$/)
    .optional(),
});

const faultSchema = z.intersection(
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('status'), status: z.int().min(100).max(599), retryAfter: z.string().optional(), body: z.string().optional() }),
    z.object({ kind: z.literal('slow'), delayMs: z.number().min(0) }),
    z.object({ kind: z.literal('garbage') }),
    z.object({ kind: z.literal('reset') }),
    z.object({ kind: z.literal('huge'), bytes: z.int().min(0) }),
    z.object({ kind: z.literal('bad-image'), variant: z.enum(['truncated', 'not-image']).optional() }),
  ]),
  z.object({ path: z.string().optional() }),
);

const faultRequestSchema = z.object({ fault: faultSchema, count: z.int().min(1).optional() });

interface SessionRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly phoneNumber?: string;
  readonly vocabulary: Vocabulary;
  readonly qrShape: QrShape;
  readonly imageStyle: ImageStyle;
  readonly expiresAtFormat: ExpiresAtFormat;
  readonly listShape: ListShape;
  linked: boolean;
  series: number;
  phase: Phase;
  /** Webhook bookkeeping: the last status (and code) announced and when the session was last looked at. */
  announced: WahaStatus;
  announcedCode: number;
  checkedAt: number;
  timer: NodeJS.Timeout | undefined;
  /** The pairing code asked last, for the series it was asked in. */
  pairing: { code: string; phone: string; series: number } | null;
  pairingRequests: number;
  passkeyCode: string | null;
}

interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly record?: SimRequestRecord;
}

const MAX_BODY_BYTES = 1024 * 1024;
const HUGE_CHUNK_BYTES = 64 * 1024;
/** The request log keeps about the last 100k entries so a long-running simulator does not grow without bound. */
const MAX_REQUEST_LOG = 100_000;

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(exchange: Exchange, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (exchange.record) exchange.record.status = status;
  if (exchange.res.headersSent || exchange.res.destroyed) return;
  exchange.res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  exchange.res.end(body);
}

function sendJson(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(exchange, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

function routeNotFound(exchange: Exchange, method: string, path: string): void {
  sendJson(exchange, 404, { message: `Cannot ${method} ${path}`, error: 'Not Found', statusCode: 404 });
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'session'
  );
}

/**
 * Starts a Wasend-compatible HTTP server on loopback. Session states are computed from timestamps on each
 * request, so thousands of sessions cost no timers; only a configured webhook schedules (unref'd) timers.
 */
export async function createWasendSimulator(options: SimulatorOptions): Promise<WasendSimulator> {
  const speed = options.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`Simulator speed must be a positive number, got ${speed}`);
  const timing = createTiming(options.startingMs ?? 2_000, speed, options.gateway === 'evolution' ? EVOLUTION_SERIES : WAHA_SERIES);
  const qrPaths = options.qrPaths ?? 'both';
  const renderImage = createImageCache(20_000);
  const sessions = new Map<string, SessionRecord>();
  const faults: Array<{ fault: SimFault; remaining: number }> = [];
  const requests: SimRequestRecord[] = [];
  const pendingDelays = new Set<NodeJS.Timeout>();
  const webhook: WebhookSender | undefined = options.webhook
    ? createWebhookSender({
        flavour: options.gateway === 'waha' ? 'waha' : options.gateway === 'evolution' ? 'evolution' : 'wasend',
        ...options.webhook,
      })
    : undefined;
  const qrWaitMs = options.qrWaitMs ?? 1_000;
  let pairingCodes = options.pairingCodes ?? true;
  let created = 0;
  let closed = false;
  const clock = createSimClock();
  const gateway = options.gateway ?? 'wasend';
  const everyCode = options.webhook !== undefined && (options.webhook.flavour ?? (gateway === 'wasend' ? 'wasend' : gateway)) !== 'wasend';

  const viewOf = (session: SessionRecord, now = clock.now()) => viewAt(session.phase, timing, now);

  const stateOf = (session: SessionRecord): SimSessionState => {
    const view = viewOf(session);
    return {
      status: toVocabulary(view.status, session.vocabulary),
      wahaStatus: view.status,
      code: view.codeIndex > 0 ? pairingCode(session.id, session.series, view.codeIndex) : null,
      codeIndex: view.codeIndex,
      series: session.series,
      expiresAt: view.expiresAt === null ? null : clock.toWall(view.expiresAt),
      linked: session.linked,
      pairingCode: session.pairing?.series === session.series ? session.pairing.code : null,
      pairingPhone: session.pairing?.series === session.series ? session.pairing.phone : null,
      pairingRequests: session.pairingRequests,
      passkeyCode: view.status === 'PASSKEY_CONFIRMATION_REQUIRED' ? session.passkeyCode : null,
    };
  };

  /** Announces every status change since the session was last looked at, then waits for the next one. */
  const sync = (session: SessionRecord, announceCurrent = false): void => {
    if (!webhook || closed) return;
    const now = clock.now();
    let at = Math.min(session.checkedAt, now);
    let announce = announceCurrent;
    clearTimeout(session.timer);
    session.timer = undefined;
    for (;;) {
      const view = viewAt(session.phase, timing, at);
      // WAHA sends SCAN_QR_CODE again at every new code.
      const newCode = everyCode && view.status === 'SCAN_QR_CODE' && view.codeIndex !== session.announcedCode;
      if (announce || view.status !== session.announced || newCode) {
        announce = false;
        session.announced = view.status;
        session.announcedCode = view.codeIndex;
        const data =
          view.status === 'PASSKEY_CONFIRMATION_REQUIRED' && session.passkeyCode !== null
            ? { code: session.passkeyCode }
            : gateway === 'evolution' && view.status === 'SCAN_QR_CODE'
              ? { qr: pairingCode(session.id, session.series, view.codeIndex), count: view.codeIndex }
              : null;
        webhook.send(session.id, toVocabulary(view.status, session.vocabulary), data);
      }
      const next = everyCode && view.status === 'SCAN_QR_CODE' && view.expiresAt !== null ? view.expiresAt : view.nextStatusChangeAt;
      if (next === null) break;
      if (next > now) {
        // A stopped clock arms nothing: resuming it looks at every session again.
        if (clock.paused) break;
        session.timer = setTimeout(() => sync(session), next - now + 1);
        session.timer.unref();
        break;
      }
      at = next;
    }
    session.checkedAt = now;
  };

  const enter = (session: SessionRecord, phase: Phase, announceCurrent = false): void => {
    sync(session);
    session.phase = phase;
    session.checkedAt = clock.now();
    sync(session, announceCurrent);
  };

  const addSession = (input: SimSessionSpec): SessionRecord => {
    const spec = specSchema.parse(input);
    const { phoneNumber } = spec;
    if (sessions.has(spec.id)) throw new Error(`Simulator: session "${spec.id}" already exists`);
    const now = clock.now();
    const status = spec.status ?? 'STOPPED';
    const started = initialPhase(status, timing, now);
    const phase = started.kind === 'pairing' && spec.seriesAgeMs ? { ...started, codesFrom: now - spec.seriesAgeMs / speed } : started;
    const session: SessionRecord = {
      id: spec.id,
      name: spec.name ?? spec.id,
      createdAt: now,
      ...(phoneNumber !== undefined ? { phoneNumber } : {}),
      vocabulary: spec.vocabulary ?? 'waha',
      qrShape: spec.qrShape ?? 'data-base64',
      imageStyle: spec.imageStyle ?? 'plain',
      expiresAtFormat: spec.expiresAtFormat ?? 'iso',
      listShape: spec.listShape ?? 'session',
      linked: status === 'WORKING',
      series: phase.kind === 'pairing' ? 1 : 0,
      phase,
      announced: viewAt(phase, timing, now).status,
      announcedCode: viewAt(phase, timing, now).codeIndex,
      checkedAt: now,
      timer: undefined,
      pairing: null,
      pairingRequests: 0,
      passkeyCode: null,
    };
    sessions.set(session.id, session);
    sync(session);
    return session;
  };

  const mustGet = (id: string): SessionRecord => {
    const session = sessions.get(id);
    if (!session) throw new Error(`Simulator: no session "${id}"`);
    return session;
  };

  const actions = {
    start(session: SessionRecord): void {
      const status = viewOf(session).status;
      if (status !== 'STOPPED' && status !== 'FAILED') return;
      session.series += 1;
      enter(session, startPhase(timing, clock.now(), session.linked), true);
    },
    stop(session: SessionRecord): void {
      enter(session, { kind: 'idle', status: 'STOPPED' });
    },
    restart(session: SessionRecord): void {
      session.series += 1;
      enter(session, startPhase(timing, clock.now(), session.linked), true);
    },
    scan(session: SessionRecord): void {
      session.linked = true;
      enter(session, { kind: 'idle', status: 'WORKING' });
    },
    fail(session: SessionRecord): void {
      enter(session, { kind: 'idle', status: 'FAILED' });
    },
    logout(session: SessionRecord): void {
      session.linked = false;
      enter(session, { kind: 'idle', status: 'STOPPED' });
    },
    rotate(session: SessionRecord): void {
      const next = rotatePhase(session.phase, timing, clock.now());
      if (!next) throw new Error(`Simulator: session "${session.id}" has no code to rotate (${viewOf(session).status})`);
      enter(session, next);
    },
    enterCode(session: SessionRecord, code: string): boolean {
      const status = viewOf(session).status;
      const pairing = session.pairing;
      if (status !== 'SCAN_QR_CODE' || pairing === null || pairing.series !== session.series || pairing.code !== code) return false;
      actions.scan(session);
      return true;
    },
    passkey(session: SessionRecord, step: 'required' | 'confirmation'): void {
      if (step === 'confirmation') {
        session.passkeyCode = String(1000 + (createHash('sha256').update(`${session.id}:${session.series}`).digest().readUInt16BE(0) % 9000));
        enter(session, { kind: 'idle', status: 'PASSKEY_CONFIRMATION_REQUIRED' });
      } else {
        enter(session, { kind: 'idle', status: 'PASSKEY_REQUIRED' });
      }
    },
  };

  const takeFault = (path: string, badImage: boolean): SimFault | undefined => {
    const index = faults.findIndex(
      (entry) => (entry.fault.kind === 'bad-image') === badImage && (entry.fault.path === undefined || path.includes(entry.fault.path)),
    );
    const entry = faults[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults.splice(index, 1);
    return entry.fault;
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingDelays.delete(timer);
        resolve();
      }, ms);
      pendingDelays.add(timer);
    });

  const streamHuge = async (exchange: Exchange, bytes: number): Promise<void> => {
    const { res } = exchange;
    if (exchange.record) exchange.record.status = 200;
    res.writeHead(200, { 'content-type': 'application/json' });
    const head = bytes >= 11 ? '{"data":"' : '';
    const tail = bytes >= 11 ? '"}' : '';
    let left = bytes - head.length - tail.length;
    const chunk = Buffer.alloc(HUGE_CHUNK_BYTES, 'A');
    if (head) res.write(head);
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    if (!res.destroyed) res.end(tail);
  };

  /** Returns true when the fault answered the request. */
  const applyFault = async (exchange: Exchange, fault: SimFault): Promise<boolean> => {
    switch (fault.kind) {
      case 'status': {
        const body = fault.body ?? JSON.stringify({ message: STATUS_CODES[fault.status] ?? 'Error', statusCode: fault.status });
        const isJson = /^\s*[{[]/.test(body);
        send(exchange, fault.status, body, {
          'content-type': isJson ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
          ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}),
        });
        return true;
      }
      case 'slow':
        await delay(fault.delayMs);
        return exchange.res.destroyed;
      case 'garbage':
        send(exchange, 200, '<!DOCTYPE html><html><body><h1>502 upstream hiccup</h1></body></html>', {
          'content-type': 'application/json',
        });
        return true;
      case 'reset':
        exchange.req.socket.destroy();
        return true;
      case 'huge':
        await streamHuge(exchange, fault.bytes);
        return true;
      case 'bad-image':
        return false;
    }
  };

  const serveQr = async (exchange: Exchange, session: SessionRecord, path: string, shape: QrShape = session.qrShape): Promise<void> => {
    let view = viewOf(session);
    const firstCodeAt = view.nextStatusChangeAt;
    if (view.status === 'STARTING' && firstCodeAt !== null && firstCodeAt - clock.now() <= qrWaitMs) {
      // WAHA gives a session that is starting a moment to show its first code before answering 422.
      await delay(Math.max(0, firstCodeAt - clock.now()) + 1);
      if (exchange.res.destroyed || closed) return;
      view = viewOf(session);
    }
    const status = toVocabulary(view.status, session.vocabulary);
    if (view.status === 'WORKING') {
      sendJson(exchange, 409, { message: 'Session is already connected', status });
      return;
    }
    if (view.status !== 'SCAN_QR_CODE' || view.expiresAt === null) {
      sendJson(exchange, 422, {
        error: 'Session status is not as expected. Try again later or restart the session',
        session: session.id,
        status,
        expected: ['SCAN_QR_CODE'],
      });
      return;
    }
    const code = pairingCode(session.id, session.series, view.codeIndex);
    const fault = takeFault(path, true);
    let reply: QrReply;
    if (fault?.kind === 'bad-image') {
      const image = await renderImage(code, session.imageStyle);
      const bytes =
        fault.variant === 'not-image'
          ? Buffer.from('<html><body>this is not an image</body></html>')
          : image.bytes.subarray(0, Math.floor(image.bytes.length / 2));
      reply = imageQrReply(shape, { bytes, mimetype: image.mimetype }, clock.toWall(view.expiresAt), session.expiresAtFormat);
    } else if (isRawShape(shape)) {
      reply = rawQrReply(shape, code);
    } else {
      const image = await renderImage(code, session.imageStyle);
      reply = imageQrReply(shape, image, clock.toWall(view.expiresAt), session.expiresAtFormat);
    }
    if (reply.kind === 'binary') send(exchange, 200, reply.bytes, { 'content-type': reply.mimetype });
    else sendJson(exchange, 200, reply.body);
  };

  const sessionBody = (session: SessionRecord): Record<string, unknown> =>
    sessionBodyOf(session, toVocabulary(viewOf(session).status, session.vocabulary));

  const badRequest = (exchange: Exchange, message: string): void =>
    sendJson(exchange, 400, { message: [message], error: 'Bad Request', statusCode: 400 });

  const createFromApi = async (exchange: Exchange): Promise<void> => {
    const body = parseJson(await readBody(exchange.req)) as Record<string, unknown> | undefined;
    const sessionName = body?.sessionName;
    const phoneNumber = body?.phoneNumber;
    if (typeof sessionName !== 'string' || sessionName.trim() === '') return badRequest(exchange, 'sessionName must be a non-empty string');
    if (typeof phoneNumber !== 'string' || !/^\+?\d{8,15}$/.test(phoneNumber)) return badRequest(exchange, 'phoneNumber must be a phone number');
    created += 1;
    const session = addSession({ id: `${slug(sessionName)}-${created}`, name: sessionName, phoneNumber });
    sendJson(exchange, 201, sessionBody(session));
  };

  /** A new pairing code for `phone`, good for the session's current series (WAHA's request-code, Evolution's connect?number=). */
  const askPairingCode = (session: SessionRecord, phone: string): string => {
    session.pairingRequests += 1;
    const raw = createHash('sha256').update(`${session.id}:${session.series}:${session.pairingRequests}:${phone}`).digest();
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTVWXYZ';
    const chars = [...raw.subarray(0, 8)].map((byte) => alphabet[byte % alphabet.length]).join('');
    const code = `${chars.slice(0, 4)}-${chars.slice(4)}`;
    session.pairing = { code, phone, series: session.series };
    return code;
  };

  /** WAHA's `request-code`: only while the session shows QR codes; the code is good for this series. */
  const requestCode = async (exchange: Exchange, session: SessionRecord): Promise<void> => {
    const body = parseJson(await readBody(exchange.req)) as Record<string, unknown> | undefined;
    const phone = body?.phoneNumber;
    if (typeof phone !== 'string' || !/^\d{8,15}$/.test(phone)) return badRequest(exchange, 'phoneNumber must be 8-15 digits');
    const status = viewOf(session).status;
    if (status === 'WORKING') return sendJson(exchange, 409, { message: 'Session is already connected' });
    if (status !== 'SCAN_QR_CODE') {
      return sendJson(exchange, 422, { error: 'Session status is not as expected', session: session.id, status, expected: ['SCAN_QR_CODE'] });
    }
    sendJson(exchange, 201, { code: askPairingCode(session, phone) });
  };

  /** WAHA 2026.7.1's passkey endpoints: 422 unless the session waits for that step. */
  const servePasskey = (exchange: Exchange, session: SessionRecord, route: string): void => {
    const status = viewOf(session).status;
    const notPending = () => sendJson(exchange, 422, { error: 'No passkey step is pending', session: session.id, status });
    switch (route) {
      case 'GET auth/passkey/challenge':
        if (status !== 'PASSKEY_REQUIRED') return notPending();
        return sendJson(exchange, 200, { challenge: createHash('sha256').update(session.id).digest('base64url'), rpId: 'web.whatsapp.com' });
      case 'GET auth/passkey/confirmation':
        if (status !== 'PASSKEY_CONFIRMATION_REQUIRED' || session.passkeyCode === null) return notPending();
        return sendJson(exchange, 200, { code: session.passkeyCode });
      default:
        if (status !== 'PASSKEY_CONFIRMATION_REQUIRED') return notPending();
        actions.scan(session);
        return sendJson(exchange, 201, {});
    }
  };

  const wahaInfo = (session: SessionRecord) => wahaSessionInfo(session, viewOf(session).status, session.linked);

  /** The simulator as self-hosted WAHA answers (`gateway: 'waha'`). */
  const handleWaha = async (exchange: Exchange, method: string, path: string): Promise<void> => {
    const url = new URL(exchange.req.url ?? '/', 'http://simulator');
    const key = exchange.req.headers['x-api-key'] ?? url.searchParams.get('x-api-key') ?? '';
    if (!sameSecret(String(key), options.apiKey)) return sendJson(exchange, 401, { message: 'Unauthorized', statusCode: 401 });
    const route = wahaRoute(method, url, exchange.req.headers.accept);
    if (route.kind === 'version' && method === 'GET') return sendJson(exchange, 200, WAHA_VERSION);
    if (route.kind === 'list' && method === 'GET') {
      const listed = [...sessions.values()].filter((session) => route.all || viewOf(session).status !== 'STOPPED');
      return sendJson(exchange, 200, listed.map(wahaInfo));
    }
    if (route.kind === 'create') {
      const body = parseJson(await readBody(exchange.req)) as Record<string, unknown> | undefined;
      const name = body?.['name'];
      if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,54}$/.test(name))
        return badRequest(exchange, 'name must be 1-54 characters of A-Z, a-z, 0-9, _ and -');
      if (sessions.has(name)) return sendJson(exchange, 422, { message: `Session '${name}' already exists. Use PUT to update it.`, statusCode: 422 });
      const session = addSession({ id: name });
      if (body?.['start'] !== false) actions.start(session);
      return sendJson(exchange, 201, wahaInfo(session));
    }
    if (route.kind !== 'session') return routeNotFound(exchange, method, path);
    const session = sessions.get(route.id);
    const call = `${method} ${route.rest}`;
    const known = [
      'GET ',
      'DELETE ',
      'POST start',
      'POST stop',
      'POST restart',
      'POST logout',
      'GET auth/qr',
      'GET auth/passkey/challenge',
      'GET auth/passkey/confirmation',
      'POST auth/passkey/confirm',
    ];
    if (!known.includes(call) && !(call === 'POST auth/request-code' && pairingCodes)) return routeNotFound(exchange, method, path);
    if (!session) return sendJson(exchange, 404, { message: 'Session not found', statusCode: 404 });
    switch (call) {
      case 'GET ':
        return sendJson(exchange, 200, wahaInfo(session));
      case 'DELETE ':
        clearTimeout(session.timer);
        sessions.delete(session.id);
        return sendJson(exchange, 200, {});
      case 'GET auth/qr':
        return serveQr(exchange, session, path, route.qrShape);
      case 'POST auth/request-code':
        return requestCode(exchange, session);
      case 'GET auth/passkey/challenge':
      case 'GET auth/passkey/confirmation':
      case 'POST auth/passkey/confirm':
        return servePasskey(exchange, session, call);
      case 'POST logout':
        // WAHA: logout unlinks the phone, and restarts a session that was running.
        actions.logout(session);
        actions.start(session);
        return sendJson(exchange, 201, wahaInfo(session));
      default:
        actions[route.rest as 'start' | 'stop' | 'restart'](session);
        return sendJson(exchange, 201, wahaInfo(session));
    }
  };

  /** Evolution's `connect` answer: the current QR with its count, the open state, or `{count: 0}` before a code. */
  const connectAnswer = async (session: SessionRecord): Promise<Record<string, unknown>> => {
    let view = viewOf(session);
    const firstCodeAt = view.nextStatusChangeAt;
    if (view.status === 'STARTING' && firstCodeAt !== null && firstCodeAt - clock.now() <= 2_000) {
      // Evolution waits a moment after starting the socket before it answers.
      await delay(Math.max(0, firstCodeAt - clock.now()) + 1);
      view = viewOf(session);
    }
    if (view.status === 'WORKING') return { instance: { instanceName: session.id, state: 'open' } };
    if (view.status !== 'SCAN_QR_CODE') return { count: 0 };
    const code = pairingCode(session.id, session.series, view.codeIndex);
    const image = await renderImage(code, session.imageStyle);
    const paired = session.pairing?.series === session.series ? session.pairing.code : null;
    return { pairingCode: paired, code, base64: `data:${image.mimetype};base64,${image.bytes.toString('base64')}`, count: view.codeIndex };
  };

  /** The simulator as Evolution API answers (`gateway: 'evolution'`). */
  const handleEvolution = async (exchange: Exchange, method: string, path: string): Promise<void> => {
    const url = new URL(exchange.req.url ?? '/', 'http://simulator');
    if (!sameSecret(String(exchange.req.headers['apikey'] ?? ''), options.apiKey))
      return sendJson(exchange, 401, evolutionError(401, 'Unauthorized', 'Unauthorized'));
    if (options.licenseRequired) return sendJson(exchange, 503, LICENSE_REQUIRED);
    const route = evolutionRoute(method, url);
    const stateOfSession = (session: SessionRecord) => evolutionState(viewOf(session).status);
    if (route.kind === 'not_found') return sendJson(exchange, 404, evolutionError(404, 'Not Found', [`Cannot ${method} ${path}`]));
    if (route.kind === 'list') {
      const listed = [...sessions.values()].filter((session) => route.name === undefined || session.id === route.name);
      return sendJson(
        exchange,
        200,
        listed.map((session) => evolutionInstance(session, stateOfSession(session))),
      );
    }
    if (route.kind === 'create') {
      const body = parseJson(await readBody(exchange.req)) as Record<string, unknown> | undefined;
      const name = body?.['instanceName'];
      if (body?.['integration'] !== 'WHATSAPP-BAILEYS') return sendJson(exchange, 400, evolutionError(400, 'Bad Request', ['Invalid integration']));
      if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name))
        return sendJson(exchange, 400, evolutionError(400, 'Bad Request', ['instanceName is required']));
      if (sessions.has(name)) return sendJson(exchange, 403, evolutionError(403, 'Forbidden', [`This name "${name}" is already in use.`]));
      const number = typeof body['number'] === 'string' && /^\d{8,15}$/.test(body['number']) ? `+${body['number']}` : undefined;
      const session = addSession({ id: name, ...(number !== undefined ? { phoneNumber: number } : {}) });
      return sendJson(exchange, 201, {
        instance: { instanceName: name, instanceId: evolutionInstance(session, 'close')['id'], integration: 'WHATSAPP-BAILEYS', status: 'close' },
        hash: evolutionInstance(session, 'close')['token'],
      });
    }
    const session = sessions.get(route.name);
    if (!session) return sendJson(exchange, 404, evolutionError(404, 'Not Found', [`The "${route.name}" instance does not exist`]));
    const state = stateOfSession(session);
    const success = (message: string) => sendJson(exchange, 200, { status: 'SUCCESS', error: false, response: { message } });
    switch (route.call) {
      case 'state':
        return sendJson(exchange, 200, { instance: { instanceName: session.id, state } });
      case 'connect':
        if (state === 'close') {
          actions.start(session);
          // From close a number asks for a pairing code; while connecting Evolution ignores it (#2197).
          if (route.number !== undefined && /^\d{8,15}$/.test(route.number) && pairingCodes) {
            askPairingCode(session, route.number);
          }
        }
        return sendJson(exchange, 200, await connectAnswer(session));
      case 'restart':
        if (state === 'close') return sendJson(exchange, 200, { error: true, message: 'Connection Closed' });
        actions.restart(session);
        return success('Instance restarted');
      case 'logout':
        if (state === 'close') return sendJson(exchange, 400, evolutionError(400, 'Bad Request', [`The "${session.id}" instance is not connected`]));
        actions.logout(session);
        return success('Instance logged out');
      case 'delete':
        clearTimeout(session.timer);
        sessions.delete(session.id);
        return success('Instance deleted');
    }
  };

  const handleApi = async (exchange: Exchange, method: string, path: string): Promise<void> => {
    const fault = takeFault(path, false);
    if (fault && (await applyFault(exchange, fault))) return;
    if (gateway === 'waha') return handleWaha(exchange, method, path);
    if (gateway === 'evolution') return handleEvolution(exchange, method, path);

    const auth = exchange.req.headers.authorization ?? '';
    if (!sameSecret(auth, `Bearer ${options.apiKey}`)) {
      sendJson(exchange, 401, { message: 'Unauthorized: missing or invalid API key', statusCode: 401 });
      return;
    }

    const segments = path.split('/').slice(1);
    if (segments.length === 1 && segments[0] === 'account' && method === 'GET') {
      return sendJson(exchange, 200, { id: 'acc_sim', name: 'Wasend simulator', plan: 'free' });
    }
    if (segments[0] !== 'sessions') return routeNotFound(exchange, method, path);
    if (segments.length === 1) {
      if (method === 'GET') {
        const items = [...sessions.values()].map((session) =>
          sessionItem(session, toVocabulary(viewOf(session).status, session.vocabulary), session.listShape),
        );
        return sendJson(exchange, 200, { sessions: items });
      }
      if (method === 'POST') return createFromApi(exchange);
      return routeNotFound(exchange, method, path);
    }

    let id: string;
    try {
      id = decodeURIComponent(segments[1] ?? '');
    } catch {
      return sendJson(exchange, 400, { message: 'Malformed session id', statusCode: 400 });
    }
    const rest = segments.slice(2).join('/');
    const route = `${method} ${rest}`;
    const known =
      route === 'GET ' ||
      (route === 'GET qr' && qrPaths !== 'auth-only') ||
      (route === 'GET auth/qr' && qrPaths !== 'qr-only') ||
      route === 'POST start' ||
      route === 'POST stop' ||
      route === 'POST restart' ||
      route === 'DELETE ' ||
      (route === 'POST auth/request-code' && pairingCodes) ||
      route === 'GET auth/passkey/challenge' ||
      route === 'GET auth/passkey/confirmation' ||
      route === 'POST auth/passkey/confirm';
    if (!known || id === '') return routeNotFound(exchange, method, path);

    const session = sessions.get(id);
    if (!session) return sendJson(exchange, 404, { message: 'Session not found', statusCode: 404 });

    switch (route) {
      case 'GET ':
        return sendJson(exchange, 200, sessionBody(session));
      case 'GET qr':
      case 'GET auth/qr':
        return serveQr(exchange, session, path);
      case 'DELETE ':
        clearTimeout(session.timer);
        sessions.delete(session.id);
        return sendJson(exchange, 200, { success: true });
      case 'POST auth/request-code':
        return requestCode(exchange, session);
      case 'GET auth/passkey/challenge':
      case 'GET auth/passkey/confirmation':
      case 'POST auth/passkey/confirm':
        return servePasskey(exchange, session, route);
      default: {
        const action = rest as 'start' | 'stop' | 'restart';
        actions[action](session);
        return sendJson(exchange, 201, sessionBody(session));
      }
    }
  };

  const handleControl = async (exchange: Exchange, method: string, path: string): Promise<void> => {
    if (!isLoopback(exchange.req.socket.remoteAddress)) {
      return sendJson(exchange, 403, { message: 'Simulator controls answer loopback clients only' });
    }
    const segments = path
      .split('/')
      .slice(2)
      .map((segment) => decodeURIComponent(segment));
    const [first, id, action] = segments;
    const readJson = async (): Promise<unknown> => parseJson(await readBody(exchange.req));

    if (first === 'requests' && segments.length === 1) {
      if (method === 'GET') return sendJson(exchange, 200, { requests });
      if (method === 'DELETE') {
        requests.length = 0;
        return send(exchange, 204, '');
      }
    }
    if (first === 'features' && segments.length === 1 && method === 'POST') {
      const body = (await readJson()) as { pairingCodes?: unknown } | undefined;
      if (typeof body?.pairingCodes !== 'boolean') return sendJson(exchange, 400, { message: 'pairingCodes must be true or false' });
      pairingCodes = body.pairingCodes;
      return sendJson(exchange, 200, { pairingCodes });
    }
    if (first === 'faults' && segments.length === 1 && method === 'POST') {
      const parsed = faultRequestSchema.safeParse(await readJson());
      if (!parsed.success) return sendJson(exchange, 400, { message: z.prettifyError(parsed.error) });
      simulator.injectFaults(parsed.data.fault, parsed.data.count);
      return send(exchange, 204, '');
    }
    if (first === 'sessions') {
      if (segments.length === 1 && method === 'GET') {
        return sendJson(exchange, 200, { sessions: [...sessions.values()].map((session) => ({ id: session.id, ...stateOf(session) })) });
      }
      if (segments.length === 1 && method === 'POST') {
        const parsed = specSchema.safeParse(await readJson());
        if (!parsed.success) return sendJson(exchange, 400, { message: z.prettifyError(parsed.error) });
        if (sessions.has(parsed.data.id)) return sendJson(exchange, 409, { message: `Session "${parsed.data.id}" already exists` });
        const session = addSession(parsed.data);
        return sendJson(exchange, 201, { id: session.id, ...stateOf(session) });
      }
      const session = id === undefined ? undefined : sessions.get(id);
      if (segments.length >= 2 && !session) return sendJson(exchange, 404, { message: 'Session not found' });
      if (session && segments.length === 2 && method === 'GET') return sendJson(exchange, 200, { id: session.id, ...stateOf(session) });
      if (session && segments.length === 3 && method === 'POST') {
        if (action === 'scan' || action === 'fail' || action === 'logout') {
          actions[action](session);
          return sendJson(exchange, 200, { id: session.id, ...stateOf(session) });
        }
        if (action === 'passkey') {
          const body = (await readJson()) as { step?: unknown } | undefined;
          if (body?.step !== 'required' && body?.step !== 'confirmation')
            return sendJson(exchange, 400, { message: 'step must be "required" or "confirmation"' });
          actions.passkey(session, body.step);
          return sendJson(exchange, 200, { id: session.id, ...stateOf(session) });
        }
        if (action === 'enter-code') {
          const body = (await readJson()) as { code?: unknown } | undefined;
          const linked = typeof body?.code === 'string' && actions.enterCode(session, body.code);
          return sendJson(exchange, linked ? 200 : 409, { id: session.id, ...stateOf(session) });
        }
        if (action === 'rotate') {
          const next = rotatePhase(session.phase, timing, clock.now());
          if (!next) return sendJson(exchange, 409, { message: `No code to rotate (${viewOf(session).status})` });
          enter(session, next);
          return sendJson(exchange, 200, { id: session.id, ...stateOf(session) });
        }
      }
    }
    return routeNotFound(exchange, method, path);
  };

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const isControl = path.startsWith('/_sim/');
    const record: SimRequestRecord | undefined = isControl ? undefined : { method, path, at: Date.now(), status: 0 };
    if (record) {
      requests.push(record);
      if (requests.length > MAX_REQUEST_LOG + 10_000) requests.splice(0, 10_000);
    }
    const exchange: Exchange = record ? { req, res, record } : { req, res };
    const handling = isControl ? handleControl(exchange, method, path) : handleApi(exchange, method, path);
    handling.catch((error: unknown) => {
      sendJson(exchange, 500, { message: `Simulator error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.address === '::'
        ? '[::1]'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address;

  for (const spec of options.sessions ?? []) addSession(spec);

  let closing: Promise<void> | undefined;
  const simulator: WasendSimulator = {
    url: `http://${urlHost}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const session of sessions.values()) clearTimeout(session.timer);
        for (const timer of pendingDelays) clearTimeout(timer);
        pendingDelays.clear();
        webhook?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    addSession(spec) {
      addSession(spec);
    },
    state(id) {
      const session = sessions.get(id);
      return session ? stateOf(session) : undefined;
    },
    scan: (id) => actions.scan(mustGet(id)),
    fail: (id) => actions.fail(mustGet(id)),
    logout: (id) => actions.logout(mustGet(id)),
    rotate: (id) => actions.rotate(mustGet(id)),
    enterCode: (id, code) => actions.enterCode(mustGet(id), code),
    passkey: (id, step) => actions.passkey(mustGet(id), step),
    setPairingCodes(enabled) {
      pairingCodes = enabled;
    },
    async prerender() {
      const drawing: Array<Promise<unknown>> = [];
      for (const session of sessions.values()) {
        const view = viewOf(session);
        const fresh = view.status === 'STOPPED' || view.status === 'FAILED' || view.status === 'STARTING';
        const series = fresh && view.status !== 'STARTING' ? session.series + 1 : session.series;
        for (let index = fresh ? 1 : Math.max(1, view.codeIndex); index <= timing.codeCount; index += 1) {
          drawing.push(renderImage(pairingCode(session.id, series, index), session.imageStyle));
        }
      }
      await Promise.all(drawing);
      return drawing.length;
    },
    injectFaults(fault, count = 1) {
      faults.push({ fault: faultSchema.parse(fault), remaining: count });
    },
    pauseClock() {
      clock.pause();
      for (const session of sessions.values()) clearTimeout(session.timer);
    },
    resumeClock() {
      clock.resume();
      for (const session of sessions.values()) sync(session);
    },
    requests,
    resetRequests() {
      requests.length = 0;
    },
  };
  return simulator;
}
