/** The simulator as self-hosted WAHA answers (`gateway: 'waha'`). */
import { WAHA_VERSION, wahaRoute, wahaSessionInfo } from './waha-front.js';
import type { World } from './world.js';
import type { SessionRecord } from './types.js';
import { badRequest, parseJson, readBody, routeNotFound, sendJson, sameSecret, type Exchange } from './http-util.js';
import { requestCode, serveQr, servePasskey } from './wasend-routes.js';

export const wahaInfo = (w: World, session: SessionRecord) => wahaSessionInfo(session, w.viewOf(session).status, session.linked);

/** The simulator as self-hosted WAHA answers (`gateway: 'waha'`). */
export const handleWaha = async (w: World, exchange: Exchange, method: string, path: string): Promise<void> => {
  const url = new URL(exchange.req.url ?? '/', 'http://simulator');
  const key = exchange.req.headers['x-api-key'] ?? url.searchParams.get('x-api-key') ?? '';
  if (!sameSecret(String(key), w.options.apiKey)) return sendJson(exchange, 401, { message: 'Unauthorized', statusCode: 401 });
  const route = wahaRoute(method, url, exchange.req.headers.accept);
  if (route.kind === 'version' && method === 'GET') return sendJson(exchange, 200, WAHA_VERSION);
  if (route.kind === 'list' && method === 'GET') {
    const listed = [...w.sessions.values()].filter((session) => route.all || w.viewOf(session).status !== 'STOPPED');
    return sendJson(
      exchange,
      200,
      listed.map((session) => wahaInfo(w, session)),
    );
  }
  if (route.kind === 'create') {
    const body = parseJson(await readBody(exchange.req)) as Record<string, unknown> | undefined;
    const name = body?.['name'];
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,54}$/.test(name))
      return badRequest(exchange, 'name must be 1-54 characters of A-Z, a-z, 0-9, _ and -');
    if (w.sessions.has(name)) return sendJson(exchange, 422, { message: `Session '${name}' already exists. Use PUT to update it.`, statusCode: 422 });
    const session = w.addSession({ id: name });
    if (body?.['start'] !== false) w.actions.start(session);
    return sendJson(exchange, 201, wahaInfo(w, session));
  }
  if (route.kind !== 'session') return routeNotFound(exchange, method, path);
  const session = w.sessions.get(route.id);
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
  if (!known.includes(call) && !(call === 'POST auth/request-code' && w.pairingCodes)) return routeNotFound(exchange, method, path);
  if (!session) return sendJson(exchange, 404, { message: 'Session not found', statusCode: 404 });
  switch (call) {
    case 'GET ':
      return sendJson(exchange, 200, wahaInfo(w, session));
    case 'DELETE ':
      clearTimeout(session.timer);
      w.sessions.delete(session.id);
      return sendJson(exchange, 200, {});
    case 'GET auth/qr':
      return serveQr(w, exchange, session, path, route.qrShape);
    case 'POST auth/request-code':
      return requestCode(w, exchange, session);
    case 'GET auth/passkey/challenge':
    case 'GET auth/passkey/confirmation':
    case 'POST auth/passkey/confirm':
      return servePasskey(w, exchange, session, call);
    case 'POST logout':
      // WAHA: logout unlinks the phone, and restarts a session that was running.
      w.actions.logout(session);
      w.actions.start(session);
      return sendJson(exchange, 201, wahaInfo(w, session));
    default:
      w.actions[route.rest as 'start' | 'stop' | 'restart'](session);
      return sendJson(exchange, 201, wahaInfo(w, session));
  }
};
