/** The simulator as Wasend answers: sessions, QR codes, pairing codes and passkey steps under `/sessions`. */
import { createHash } from 'node:crypto';
import { pairingCode } from './codes.js';
import { toVocabulary } from './lifecycle.js';
import { imageQrReply, isRawShape, rawQrReply, sessionBody as sessionBodyOf, sessionItem } from './responses.js';
import type { QrReply, QrShape } from './responses.js';
import type { World } from './world.js';
import type { SessionRecord } from './types.js';
import { badRequest, parseJson, readBody, routeNotFound, send, sendJson, sameSecret, slug, type Exchange } from './http-util.js';

export const serveQr = async (
  w: World,
  exchange: Exchange,
  session: SessionRecord,
  path: string,
  shape: QrShape = session.qrShape,
): Promise<void> => {
  let view = w.viewOf(session);
  const firstCodeAt = view.nextStatusChangeAt;
  if (view.status === 'STARTING' && firstCodeAt !== null && firstCodeAt - w.clock.now() <= w.qrWaitMs) {
    // WAHA gives a session that is starting a moment to show its first code before answering 422.
    await w.delay(Math.max(0, firstCodeAt - w.clock.now()) + 1);
    if (exchange.res.destroyed || w.closed) return;
    view = w.viewOf(session);
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
  const fault = w.takeFault(path, true);
  let reply: QrReply;
  if (fault?.kind === 'bad-image') {
    const image = await w.renderImage(code, session.imageStyle);
    const bytes =
      fault.variant === 'not-image'
        ? Buffer.from('<html><body>this is not an image</body></html>')
        : image.bytes.subarray(0, Math.floor(image.bytes.length / 2));
    reply = imageQrReply(shape, { bytes, mimetype: image.mimetype }, w.clock.toWall(view.expiresAt), session.expiresAtFormat);
  } else if (isRawShape(shape)) {
    reply = rawQrReply(shape, code);
  } else {
    const image = await w.renderImage(code, session.imageStyle);
    reply = imageQrReply(shape, image, w.clock.toWall(view.expiresAt), session.expiresAtFormat);
  }
  if (reply.kind === 'binary') send(exchange, 200, reply.bytes, { 'content-type': reply.mimetype });
  else sendJson(exchange, 200, reply.body);
};

export const sessionBody = (w: World, session: SessionRecord): Record<string, unknown> =>
  sessionBodyOf(session, toVocabulary(w.viewOf(session).status, session.vocabulary));

export const createFromApi = async (w: World, exchange: Exchange): Promise<void> => {
  const body = parseJson(await readBody(exchange.req)) as Record<string, unknown> | undefined;
  const sessionName = body?.sessionName;
  const phoneNumber = body?.phoneNumber;
  if (typeof sessionName !== 'string' || sessionName.trim() === '') return badRequest(exchange, 'sessionName must be a non-empty string');
  if (typeof phoneNumber !== 'string' || !/^\+?\d{8,15}$/.test(phoneNumber)) return badRequest(exchange, 'phoneNumber must be a phone number');
  w.created += 1;
  const session = w.addSession({ id: `${slug(sessionName)}-${w.created}`, name: sessionName, phoneNumber });
  sendJson(exchange, 201, sessionBody(w, session));
};

export const requestCode = async (w: World, exchange: Exchange, session: SessionRecord): Promise<void> => {
  const body = parseJson(await readBody(exchange.req)) as Record<string, unknown> | undefined;
  const phone = body?.phoneNumber;
  if (typeof phone !== 'string' || !/^\d{8,15}$/.test(phone)) return badRequest(exchange, 'phoneNumber must be 8-15 digits');
  const status = w.viewOf(session).status;
  if (status === 'WORKING') return sendJson(exchange, 409, { message: 'Session is already connected' });
  if (status !== 'SCAN_QR_CODE') {
    return sendJson(exchange, 422, { error: 'Session status is not as expected', session: session.id, status, expected: ['SCAN_QR_CODE'] });
  }
  sendJson(exchange, 201, { code: w.askPairingCode(session, phone) });
};

/** WAHA 2026.7.1's passkey endpoints: 422 unless the session waits for that step. */
export const servePasskey = (w: World, exchange: Exchange, session: SessionRecord, route: string): void => {
  const status = w.viewOf(session).status;
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
      w.actions.scan(session);
      return sendJson(exchange, 201, {});
  }
};

/** The simulator as Wasend answers (`gateway: 'wasend'`, the default). */
export const handleWasend = async (w: World, exchange: Exchange, method: string, path: string): Promise<void> => {
  const auth = exchange.req.headers.authorization ?? '';
  if (!sameSecret(auth, `Bearer ${w.options.apiKey}`)) {
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
      const items = [...w.sessions.values()].map((session) =>
        sessionItem(session, toVocabulary(w.viewOf(session).status, session.vocabulary), session.listShape),
      );
      return sendJson(exchange, 200, { sessions: items });
    }
    if (method === 'POST') return createFromApi(w, exchange);
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
    (route === 'GET qr' && w.qrPaths !== 'auth-only') ||
    (route === 'GET auth/qr' && w.qrPaths !== 'qr-only') ||
    route === 'POST start' ||
    route === 'POST stop' ||
    route === 'POST restart' ||
    route === 'DELETE ' ||
    (route === 'POST auth/request-code' && w.pairingCodes) ||
    route === 'GET auth/passkey/challenge' ||
    route === 'GET auth/passkey/confirmation' ||
    route === 'POST auth/passkey/confirm';
  if (!known || id === '') return routeNotFound(exchange, method, path);

  const session = w.sessions.get(id);
  if (!session) return sendJson(exchange, 404, { message: 'Session not found', statusCode: 404 });

  switch (route) {
    case 'GET ':
      return sendJson(exchange, 200, sessionBody(w, session));
    case 'GET qr':
    case 'GET auth/qr':
      return serveQr(w, exchange, session, path);
    case 'DELETE ':
      clearTimeout(session.timer);
      w.sessions.delete(session.id);
      return sendJson(exchange, 200, { success: true });
    case 'POST auth/request-code':
      return requestCode(w, exchange, session);
    case 'GET auth/passkey/challenge':
    case 'GET auth/passkey/confirmation':
    case 'POST auth/passkey/confirm':
      return servePasskey(w, exchange, session, route);
    default: {
      const action = rest as 'start' | 'stop' | 'restart';
      w.actions[action](session);
      return sendJson(exchange, 201, sessionBody(w, session));
    }
  }
};
