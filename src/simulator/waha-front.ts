import type { QrShape } from './responses.js';

/**
 * The simulator as self-hosted WAHA answers (`SIM_GATEWAY=waha`): which of the simulator's own routes a WAHA
 * request is, and the shapes WAHA answers in. Facts and sources: `shared/gateways.md` part 1.
 */

/** A WAHA request, resolved to what the simulator does. */
export type WahaRoute =
  | { readonly kind: 'list'; readonly all: boolean }
  | { readonly kind: 'create' }
  | { readonly kind: 'version' }
  | { readonly kind: 'session'; readonly id: string; readonly rest: string; readonly qrShape?: QrShape }
  | { readonly kind: 'not_found' };

/**
 * `/api/sessions[?all=true]`, `/api/sessions/{s}[/start|stop|restart|logout]`, `/api/{s}/auth/...` (the QR: binary
 * PNG unless `Accept` is exactly `application/json`, `format=raw` for the string), `/api/server/version`.
 */
export function wahaRoute(method: string, url: URL, accept: string | undefined): WahaRoute {
  const segments = url.pathname.split('/').slice(1);
  if (segments[0] !== 'api') return { kind: 'not_found' };
  const decode = (segment: string | undefined) => {
    try {
      return decodeURIComponent(segment ?? '');
    } catch {
      return '';
    }
  };
  if (segments[1] === 'server' && segments[2] === 'version' && segments.length === 3) return { kind: 'version' };
  if (segments[1] === 'sessions') {
    if (segments.length === 2) return method === 'POST' ? { kind: 'create' } : { kind: 'list', all: url.searchParams.get('all') === 'true' };
    const id = decode(segments[2]);
    const rest = segments.slice(3).join('/');
    if (id === '' || !['', 'start', 'stop', 'restart', 'logout'].includes(rest)) return { kind: 'not_found' };
    return { kind: 'session', id, rest };
  }
  const id = decode(segments[1]);
  const rest = segments.slice(2).join('/');
  if (id === '' || !rest.startsWith('auth/')) return { kind: 'not_found' };
  if (rest !== 'auth/qr') return { kind: 'session', id, rest };
  const format = url.searchParams.get('format');
  const qrShape: QrShape = format === 'raw' ? 'value-raw' : accept?.trim().toLowerCase() === 'application/json' ? 'mimetype-data' : 'binary';
  return { kind: 'session', id, rest, qrShape };
}

/** WAHA's SessionInfo: `name` is the id; `me` once a phone is linked. */
export function wahaSessionInfo(
  session: { readonly id: string; readonly name: string; readonly phoneNumber?: string },
  status: string,
  linked: boolean,
): Record<string, unknown> {
  const digits = (session.phoneNumber ?? '').replace(/\D/g, '') || '5511999990000';
  return {
    name: session.id,
    status,
    config: { metadata: {}, webhooks: [] },
    me: linked && status === 'WORKING' ? { id: `${digits}@c.us`, pushName: session.name } : null,
    engine: { engine: 'GOWS' },
    presence: null,
    timestamps: { activity: Date.now() },
  };
}

/** The answer of `GET /api/server/version`. */
export const WAHA_VERSION = { version: '2026.7.1', engine: 'GOWS', tier: 'CORE', browser: null } as const;
