import { LRUCache } from 'lru-cache';
/**
 * Pairing codes (link with a phone number instead of the QR): asking Wasend for one, at most once per session per
 * cooldown, since WhatsApp locks a number out after repeated requests.
 */
import type { LogSink } from '../shared/logger.js';
import { maskPhone } from '../shared/phone.js';
import { WasendApiError, WasendNotOfferedError } from '../wasend/errors.js';
import type { WasendApi } from '../wasend/types.js';
import { failureOutcome } from './acquire.js';
import type { Clock } from '../shared/clock.js';
import type { CodeShow } from './message.js';
import { secretFingerprint } from '../shared/secret-fingerprint.js';
import type { OpenOutcome } from './types.js';

/** Default of {@link LiveQrDeps.pairingCooldownMs}. */
export const DEFAULT_PAIRING_COOLDOWN_MS = 60_000;
/** Default of {@link LiveQrDeps.pairingLifetimeMs}: WhatsApp's pairing codes live about 160 s. */
export const DEFAULT_PAIRING_LIFETIME_MS = 160_000;
/** Sessions whose last request is remembered; older ones are long past any cooldown. */
const MAX_REMEMBERED = 10_000;

export interface PairingDeps {
  readonly wasend: Pick<WasendApi, 'requestPairingCode'>;
  readonly clock: Clock;
  readonly logger: LogSink;
  readonly cooldownMs: number;
  readonly lifetimeMs: number;
}

export interface Pairing {
  /** When the next code may be asked for the session (now or earlier: it may be asked at once). */
  nextAt(sessionId: string): number;
  /** A code was asked for the session at `at` (by a run before a restart): the cooldown counts from it. */
  noteAsked(sessionId: string, at: number): void;
  /** Asks Wasend for a code for `phone` (digits) and returns it as a message shows it, or what went wrong. */
  request(sessionId: string, phone: string, userId: number, signal?: AbortSignal): Promise<CodeShow | OpenOutcome>;
}

export function createPairing(deps: PairingDeps): Pairing {
  const { wasend, clock, logger } = deps;
  const lastAsked = new LRUCache<string, number>({ max: MAX_REMEMBERED });

  const nextAt = (sessionId: string) => (lastAsked.get(sessionId) ?? Number.NEGATIVE_INFINITY) + deps.cooldownMs;

  function remember(sessionId: string, at: number): void {
    lastAsked.set(sessionId, at);
  }

  async function request(sessionId: string, phone: string, userId: number, signal?: AbortSignal): Promise<CodeShow | OpenOutcome> {
    const now = clock.now();
    const retryAt = nextAt(sessionId);
    if (retryAt > now) return { kind: 'pairing_wait', retryAt };
    // Taken before the call: two presses at once must not both reach WhatsApp.
    remember(sessionId, now);
    let code: string;
    try {
      code = await wasend.requestPairingCode(sessionId, phone, { lane: 'person', fairKey: String(userId), ...(signal ? { signal } : {}) });
    } catch (error) {
      // A request Wasend clearly refused reached no phone: it does not count. One whose fate is unknown does.
      if (error instanceof WasendNotOfferedError || (error instanceof WasendApiError && error.status < 500 && error.status !== 429)) {
        if (lastAsked.get(sessionId) === now) lastAsked.delete(sessionId);
      }
      if (signal?.aborted) return { kind: 'cancelled' };
      if (error instanceof WasendNotOfferedError) return { kind: 'pairing_not_offered' };
      return failureOutcome(error, sessionId, 'requestPairingCode', logger);
    }
    return {
      sessionId,
      fingerprint: secretFingerprint('pair', code),
      png: Buffer.alloc(0),
      expiresAt: clock.now() + deps.lifetimeMs,
      estimated: false,
      face: { kind: 'pairing', code, phone: maskPhone(phone) },
    };
  }

  return {
    nextAt,
    request,
    noteAsked(sessionId, at) {
      if (at > (lastAsked.get(sessionId) ?? Number.NEGATIVE_INFINITY)) remember(sessionId, at);
    },
  };
}

/** True for a {@link CodeShow} (as opposed to an outcome to tell the person). */
export function isShow(value: CodeShow | OpenOutcome): value is CodeShow {
  return 'fingerprint' in value;
}
