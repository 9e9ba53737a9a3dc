import { createHash } from 'node:crypto';
import type { WahaStatus } from './lifecycle.js';

/**
 * The simulator as Evolution API answers (`SIM_GATEWAY=evolution`): instances instead of sessions, states
 * `open | close | connecting`, one `connect` call that starts a socket and returns the current QR, every QR living
 * 45 s, `QRCODE_LIMIT` (30) codes and then a logout. Facts and sources: `shared/gateways.md` part 2.
 */

export type EvolutionState = 'open' | 'close' | 'connecting';

/** The simulator's WAHA truth in Evolution's words. */
export function evolutionState(status: WahaStatus): EvolutionState {
  switch (status) {
    case 'WORKING':
      return 'open';
    case 'STARTING':
    case 'SCAN_QR_CODE':
    case 'PASSKEY_REQUIRED':
    case 'PASSKEY_CONFIRMATION_REQUIRED':
      return 'connecting';
    default:
      return 'close';
  }
}

export type EvolutionRoute =
  | { readonly kind: 'list'; readonly name?: string }
  | { readonly kind: 'create' }
  | {
      readonly kind: 'instance';
      readonly call: 'state' | 'connect' | 'restart' | 'logout' | 'delete';
      readonly name: string;
      readonly number?: string;
    }
  | { readonly kind: 'not_found' };

/** `GET /instance/fetchInstances`, `POST /instance/create`, `/instance/{connectionState|connect|restart|logout|delete}/{i}`. */
export function evolutionRoute(method: string, url: URL): EvolutionRoute {
  const segments = url.pathname.split('/').slice(1);
  if (segments[0] !== 'instance') return { kind: 'not_found' };
  const action = segments[1];
  if (segments.length === 2 && action === 'fetchInstances' && method === 'GET') {
    const name = url.searchParams.get('instanceName');
    return name === null ? { kind: 'list' } : { kind: 'list', name };
  }
  if (segments.length === 2 && action === 'create' && method === 'POST') return { kind: 'create' };
  if (segments.length !== 3) return { kind: 'not_found' };
  let name: string;
  try {
    name = decodeURIComponent(segments[2] ?? '');
  } catch {
    return { kind: 'not_found' };
  }
  const calls: Record<string, [string, 'state' | 'connect' | 'restart' | 'logout' | 'delete']> = {
    connectionState: ['GET', 'state'],
    connect: ['GET', 'connect'],
    restart: ['POST', 'restart'],
    logout: ['DELETE', 'logout'],
    delete: ['DELETE', 'delete'],
  };
  const known = action === undefined ? undefined : calls[action];
  if (known === undefined || known[0] !== method || name === '') return { kind: 'not_found' };
  const number = url.searchParams.get('number') ?? undefined;
  return { kind: 'instance', call: known[1], name, ...(number !== undefined ? { number } : {}) };
}

/** One row of `fetchInstances` (the fields the bot reads, and a few beside them). */
export function evolutionInstance(
  session: { readonly id: string; readonly name: string; readonly phoneNumber?: string; readonly createdAt: number },
  state: EvolutionState,
): Record<string, unknown> {
  const digits = (session.phoneNumber ?? '').replace(/\D/g, '');
  const at = new Date(session.createdAt).toISOString();
  return {
    id: createHash('sha1').update(session.id).digest('hex').slice(0, 24),
    name: session.id,
    connectionStatus: state,
    ownerJid: state === 'open' && digits !== '' ? `${digits}@s.whatsapp.net` : null,
    profileName: state === 'open' ? session.name : null,
    profilePicUrl: null,
    integration: 'WHATSAPP-BAILEYS',
    number: digits === '' ? null : digits,
    token: createHash('sha256').update(`token:${session.id}`).digest('hex').slice(0, 32).toUpperCase(),
    disconnectionReasonCode: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** Evolution's error shape: `{status, error, response: {message}}`. */
export function evolutionError(status: number, error: string, message: string | string[]): Record<string, unknown> {
  return { status, error, response: { message } };
}

/** 2.4's answer to every business route until the instance is activated against the licence server. */
export const LICENSE_REQUIRED = {
  error: 'service not activated',
  code: 'LICENSE_REQUIRED',
  register_url: 'https://license.evolution-api.example/register?instance=sim',
  instance_id: 'sim-instance',
  docs_url: 'https://doc.evolution-api.com/v2/licensing',
  message: 'This Evolution API is not activated: register it at https://license.evolution-api.example/register?instance=sim',
} as const;
