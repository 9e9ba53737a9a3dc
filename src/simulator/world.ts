import { createHash } from 'node:crypto';
import { createImageCache, pairingCode } from './codes.js';
import { createSimClock, type SimClock } from './clock.js';
import { createTiming, EVOLUTION_SERIES, WAHA_SERIES, initialPhase, toVocabulary, viewAt } from './lifecycle.js';
import type { LifecycleTiming, Phase, PhaseView } from './lifecycle.js';
import { createSessionActions, type SessionActions } from './actions.js';
import { faultSchema, specSchema } from './types.js';
import type { SessionRecord, SimFault, SimRequestRecord, SimSessionSpec, SimSessionState, SimulatorOptions } from './types.js';
import { createWebhookSender, type WebhookSender } from './webhook.js';

/**
 * The simulated gateway's state and what can happen to it, shared by every front (Wasend, WAHA, Evolution), the
 * control routes and the test API. Session states are computed from timestamps on each look, so thousands of
 * sessions cost no timers; only a configured webhook schedules (unref'd) timers.
 */
export interface World {
  readonly options: SimulatorOptions;
  readonly speed: number;
  readonly timing: LifecycleTiming;
  readonly qrPaths: NonNullable<SimulatorOptions['qrPaths']>;
  readonly qrWaitMs: number;
  readonly gateway: NonNullable<SimulatorOptions['gateway']>;
  readonly clock: SimClock;
  readonly renderImage: ReturnType<typeof createImageCache>;
  readonly sessions: Map<string, SessionRecord>;
  readonly faults: Array<{ fault: SimFault; remaining: number }>;
  readonly requests: SimRequestRecord[];
  readonly pendingDelays: Set<NodeJS.Timeout>;
  readonly webhook: WebhookSender | undefined;
  /** Whether the pairing-code endpoints exist (a test turns them off to play an older server). */
  pairingCodes: boolean;
  /** Sessions created through the API so far (numbers their ids). */
  created: number;
  closed: boolean;
  readonly viewOf: (session: SessionRecord, now?: number) => PhaseView;
  readonly stateOf: (session: SessionRecord) => SimSessionState;
  readonly sync: (session: SessionRecord, announceCurrent?: boolean) => void;
  readonly enter: (session: SessionRecord, phase: Phase, announceCurrent?: boolean) => void;
  readonly addSession: (input: SimSessionSpec) => SessionRecord;
  readonly mustGet: (id: string) => SessionRecord;
  /** The session leaves the gateway (DELETE). */
  readonly remove: (session: SessionRecord) => void;
  readonly actions: SessionActions;
  readonly takeFault: (path: string, badImage: boolean) => SimFault | undefined;
  readonly injectFault: (fault: SimFault, count: number) => void;
  readonly delay: (ms: number) => Promise<void>;
  readonly askPairingCode: (session: SessionRecord, phone: string) => string;
}

export function createWorld(options: SimulatorOptions): World {
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
    if (!webhook || world.closed) return;
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

  const actions = createSessionActions({ timing, clock, viewOf, enter });

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

  const remove = (session: SessionRecord): void => {
    clearTimeout(session.timer);
    sessions.delete(session.id);
  };

  const injectFault = (fault: SimFault, count: number): void => {
    faults.push({ fault: faultSchema.parse(fault), remaining: count });
  };

  const world: World = {
    options,
    speed,
    timing,
    qrPaths,
    qrWaitMs,
    gateway,
    clock,
    renderImage,
    sessions,
    faults,
    requests,
    pendingDelays,
    webhook,
    pairingCodes: options.pairingCodes ?? true,
    created: 0,
    closed: false,
    viewOf,
    stateOf,
    sync,
    enter,
    addSession,
    mustGet,
    remove,
    actions,
    takeFault,
    injectFault,
    delay,
    askPairingCode,
  };
  return world;
}
