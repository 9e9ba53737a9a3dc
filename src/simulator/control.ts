/** `/_sim/...`: the controls a test or the CLI drives over HTTP (loopback only). */
import { z } from 'zod';
import { rotatePhase } from './lifecycle.js';
import type { World } from './world.js';
import { faultRequestSchema, specSchema } from './types.js';
import { isLoopback, parseJson, readBody, routeNotFound, send, sendJson, type Exchange } from './http-util.js';

export const handleControl = async (w: World, exchange: Exchange, method: string, path: string): Promise<void> => {
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
    if (method === 'GET') return sendJson(exchange, 200, { requests: w.requests });
    if (method === 'DELETE') {
      w.requests.length = 0;
      return send(exchange, 204, '');
    }
  }
  if (first === 'features' && segments.length === 1 && method === 'POST') {
    const body = (await readJson()) as { pairingCodes?: unknown } | undefined;
    if (typeof body?.pairingCodes !== 'boolean') return sendJson(exchange, 400, { message: 'pairingCodes must be true or false' });
    w.pairingCodes = body.pairingCodes;
    return sendJson(exchange, 200, { pairingCodes: w.pairingCodes });
  }
  if (first === 'faults' && segments.length === 1 && method === 'POST') {
    const parsed = faultRequestSchema.safeParse(await readJson());
    if (!parsed.success) return sendJson(exchange, 400, { message: z.prettifyError(parsed.error) });
    w.injectFault(parsed.data.fault, parsed.data.count ?? 1);
    return send(exchange, 204, '');
  }
  if (first === 'sessions') {
    if (segments.length === 1 && method === 'GET') {
      return sendJson(exchange, 200, { sessions: [...w.sessions.values()].map((session) => ({ id: session.id, ...w.stateOf(session) })) });
    }
    if (segments.length === 1 && method === 'POST') {
      const parsed = specSchema.safeParse(await readJson());
      if (!parsed.success) return sendJson(exchange, 400, { message: z.prettifyError(parsed.error) });
      if (w.sessions.has(parsed.data.id)) return sendJson(exchange, 409, { message: `Session "${parsed.data.id}" already exists` });
      const session = w.addSession(parsed.data);
      return sendJson(exchange, 201, { id: session.id, ...w.stateOf(session) });
    }
    const session = id === undefined ? undefined : w.sessions.get(id);
    if (segments.length >= 2 && !session) return sendJson(exchange, 404, { message: 'Session not found' });
    if (session && segments.length === 2 && method === 'GET') return sendJson(exchange, 200, { id: session.id, ...w.stateOf(session) });
    if (session && segments.length === 3 && method === 'POST') {
      if (action === 'scan' || action === 'fail' || action === 'logout') {
        w.actions[action](session);
        return sendJson(exchange, 200, { id: session.id, ...w.stateOf(session) });
      }
      if (action === 'passkey') {
        const body = (await readJson()) as { step?: unknown } | undefined;
        if (body?.step !== 'required' && body?.step !== 'confirmation')
          return sendJson(exchange, 400, { message: 'step must be "required" or "confirmation"' });
        w.actions.passkey(session, body.step);
        return sendJson(exchange, 200, { id: session.id, ...w.stateOf(session) });
      }
      if (action === 'enter-code') {
        const body = (await readJson()) as { code?: unknown } | undefined;
        const linked = typeof body?.code === 'string' && w.actions.enterCode(session, body.code);
        return sendJson(exchange, linked ? 200 : 409, { id: session.id, ...w.stateOf(session) });
      }
      if (action === 'rotate') {
        const next = rotatePhase(session.phase, w.timing, w.clock.now());
        if (!next) return sendJson(exchange, 409, { message: `No code to rotate (${w.viewOf(session).status})` });
        w.enter(session, next);
        return sendJson(exchange, 200, { id: session.id, ...w.stateOf(session) });
      }
    }
  }
  return routeNotFound(exchange, method, path);
};
