import { createHash } from 'node:crypto';
import { rotatePhase, startPhase } from './lifecycle.js';
import type { LifecycleTiming, Phase, PhaseView } from './lifecycle.js';
import type { SimClock } from './clock.js';
import type { SessionRecord } from './types.js';

/** What can happen to a session: the gateway's own calls, and what a phone or WhatsApp does to it. */
export interface SessionActions {
  start(session: SessionRecord): void;
  stop(session: SessionRecord): void;
  restart(session: SessionRecord): void;
  scan(session: SessionRecord): void;
  fail(session: SessionRecord): void;
  logout(session: SessionRecord): void;
  rotate(session: SessionRecord): void;
  enterCode(session: SessionRecord, code: string): boolean;
  passkey(session: SessionRecord, step: 'required' | 'confirmation'): void;
}

export interface ActionDeps {
  readonly timing: LifecycleTiming;
  readonly clock: SimClock;
  readonly viewOf: (session: SessionRecord) => PhaseView;
  /** Moves the session to `phase`, announcing the change to the webhook. */
  readonly enter: (session: SessionRecord, phase: Phase, announceCurrent?: boolean) => void;
}

export function createSessionActions({ timing, clock, viewOf, enter }: ActionDeps): SessionActions {
  const actions: SessionActions = {
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
  return actions;
}
