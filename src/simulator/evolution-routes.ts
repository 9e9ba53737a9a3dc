/** The simulator as Evolution API answers (`gateway: 'evolution'`). */
import { pairingCode } from './codes.js';
import { evolutionError, evolutionInstance, evolutionRoute, evolutionState, LICENSE_REQUIRED } from './evolution-front.js';
import type { World } from './world.js';
import type { SessionRecord } from './types.js';
import { parseJson, readBody, sendJson, sameSecret, type Exchange } from './http-util.js';

export const connectAnswer = async (w: World, session: SessionRecord): Promise<Record<string, unknown>> => {
  let view = w.viewOf(session);
  const firstCodeAt = view.nextStatusChangeAt;
  if (view.status === 'STARTING' && firstCodeAt !== null && firstCodeAt - w.clock.now() <= 2_000) {
    // Evolution waits a moment after starting the socket before it answers.
    await w.delay(Math.max(0, firstCodeAt - w.clock.now()) + 1);
    view = w.viewOf(session);
  }
  if (view.status === 'WORKING') return { instance: { instanceName: session.id, state: 'open' } };
  if (view.status !== 'SCAN_QR_CODE') return { count: 0 };
  const code = pairingCode(session.id, session.series, view.codeIndex);
  const image = await w.renderImage(code, session.imageStyle);
  const paired = session.pairing?.series === session.series ? session.pairing.code : null;
  return { pairingCode: paired, code, base64: `data:${image.mimetype};base64,${image.bytes.toString('base64')}`, count: view.codeIndex };
};

/** The simulator as Evolution API answers (`gateway: 'evolution'`). */
export const handleEvolution = async (w: World, exchange: Exchange, method: string, path: string): Promise<void> => {
  const url = new URL(exchange.req.url ?? '/', 'http://simulator');
  if (!sameSecret(String(exchange.req.headers['apikey'] ?? ''), w.options.apiKey))
    return sendJson(exchange, 401, evolutionError(401, 'Unauthorized', 'Unauthorized'));
  if (w.options.licenseRequired) return sendJson(exchange, 503, LICENSE_REQUIRED);
  const route = evolutionRoute(method, url);
  const stateOfSession = (session: SessionRecord) => evolutionState(w.viewOf(session).status);
  if (route.kind === 'not_found') return sendJson(exchange, 404, evolutionError(404, 'Not Found', [`Cannot ${method} ${path}`]));
  if (route.kind === 'list') {
    const listed = [...w.sessions.values()].filter((session) => route.name === undefined || session.id === route.name);
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
    if (w.sessions.has(name)) return sendJson(exchange, 403, evolutionError(403, 'Forbidden', [`This name "${name}" is already in use.`]));
    const number = typeof body['number'] === 'string' && /^\d{8,15}$/.test(body['number']) ? `+${body['number']}` : undefined;
    const session = w.addSession({ id: name, ...(number !== undefined ? { phoneNumber: number } : {}) });
    return sendJson(exchange, 201, {
      instance: { instanceName: name, instanceId: evolutionInstance(session, 'close')['id'], integration: 'WHATSAPP-BAILEYS', status: 'close' },
      hash: evolutionInstance(session, 'close')['token'],
    });
  }
  const session = w.sessions.get(route.name);
  if (!session) return sendJson(exchange, 404, evolutionError(404, 'Not Found', [`The "${route.name}" instance does not exist`]));
  const state = stateOfSession(session);
  const success = (message: string) => sendJson(exchange, 200, { status: 'SUCCESS', error: false, response: { message } });
  switch (route.call) {
    case 'state':
      return sendJson(exchange, 200, { instance: { instanceName: session.id, state } });
    case 'connect':
      if (state === 'close') {
        w.actions.start(session);
        // From close a number asks for a pairing code; while connecting Evolution ignores it (#2197).
        if (route.number !== undefined && /^\d{8,15}$/.test(route.number) && w.pairingCodes) {
          w.askPairingCode(session, route.number);
        }
      }
      return sendJson(exchange, 200, await connectAnswer(w, session));
    case 'restart':
      if (state === 'close') return sendJson(exchange, 200, { error: true, message: 'Connection Closed' });
      w.actions.restart(session);
      return success('Instance restarted');
    case 'logout':
      if (state === 'close') return sendJson(exchange, 400, evolutionError(400, 'Bad Request', [`The "${session.id}" instance is not connected`]));
      w.actions.logout(session);
      return success('Instance logged out');
    case 'delete':
      clearTimeout(session.timer);
      w.sessions.delete(session.id);
      return success('Instance deleted');
  }
};
