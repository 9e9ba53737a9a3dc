import { assertValidSessionId } from './session-id.js';
import { toSessionStatus } from './status.js';
import { WasendConflictError, WasendInvalidResponseError, WasendNotFoundError, WasendNotReadyError } from './errors.js';
import { isRecord } from '../shared/is-record.js';
import { createGatewayHttp, isRouteMissing, PASSKEY_CODE, readCode, type GatewayHttpOptions, type GatewayLogger } from './http.js';
import type { NormalizedQr, RequestOptions, SessionInfo, WasendApi } from './types.js';

export { asCode, PASSKEY_CODE, parseRetryAfter } from './http.js';

/** The part of a {@link LogSink} the client uses. Logged objects never hold the API key or headers. */
export type WasendLogger = GatewayLogger;
/** Options of {@link createWasendClient}: the key goes in `Authorization: Bearer`. */
export type WasendClientOptions = GatewayHttpOptions;

type QrPath = 'qr' | 'auth/qr';

/** Creates the Wasend HTTP client. Throws a TypeError naming the option when an option is unusable. */
export function createWasendClient(options: WasendClientOptions): WasendApi {
  const { send, getJson, fetchQr, noteStatus, requestCode } = createGatewayHttp(options, {
    client: 'createWasendClient',
    exampleUrl: 'https://api.wasend.dev',
    headers: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
  });
  const { logger } = options;
  let qrPath: QrPath | undefined;

  /** Fetches from one QR path and remembers it when the answer shows the server has that route. */
  async function fetchQrAt(base: string, candidate: QrPath, options: RequestOptions): Promise<NormalizedQr> {
    try {
      const qr = await fetchQr(`${base}/${candidate}`, options);
      qrPath = candidate;
      return qr;
    } catch (error) {
      if (provesPathExists(error)) qrPath = candidate;
      throw error;
    }
  }

  function sessionInfoOf(item: SessionItem & { id: string }): SessionInfo {
    const info: SessionInfo = { id: item.id, status: noteStatus(toSessionStatus(item.status)) };
    return {
      ...info,
      ...(item.name !== undefined && item.name !== item.id ? { name: item.name } : {}),
      ...(item.phone !== undefined ? { phone: item.phone } : {}),
    };
  }

  async function postAction(sessionId: string, action: 'start' | 'stop' | 'restart', options: RequestOptions) {
    assertValidSessionId(sessionId);
    await send('POST', `${sessionPath(sessionId)}/${action}`, options, 'application/json');
  }

  return {
    async getQr(sessionId, options = {}) {
      assertValidSessionId(sessionId);
      const base = sessionPath(sessionId);
      const remembered = qrPath;
      if (remembered) {
        try {
          return await fetchQr(`${base}/${remembered}`, options);
        } catch (error) {
          // A Wasend deploy can move the route while the bot runs: a route-level 404 re-probes the other path.
          if (!isRouteMissing(error)) throw error;
          const other: QrPath = remembered === 'qr' ? 'auth/qr' : 'qr';
          logger?.warn({ path: error.path }, `Wasend QR route answered a route-level 404; trying /${other}`);
          return fetchQrAt(base, other, options).catch((next: unknown) => {
            throw isRouteMissing(next) ? noQrRoute(next) : next;
          });
        }
      }
      let first: WasendNotFoundError;
      try {
        return await fetchQrAt(base, 'qr', options);
      } catch (error) {
        if (!(error instanceof WasendNotFoundError)) throw error;
        first = error;
        logger?.debug({ path: error.path }, 'Wasend QR path answered 404; trying /auth/qr');
      }
      return fetchQrAt(base, 'auth/qr', options).catch((next: unknown) => {
        if (!isRouteMissing(next)) throw next;
        throw isRouteMissing(first) ? noQrRoute(next) : first;
      });
    },

    async getSession(sessionId, options = {}) {
      assertValidSessionId(sessionId);
      const path = sessionPath(sessionId);
      const { json, status } = await getJson(path, options);
      const item = readSessionItem(json);
      if (!item?.status) {
        throw new WasendInvalidResponseError({
          method: 'GET',
          path,
          status,
          reason: 'schema',
          detail: 'session has no "status", "session.status" or "downstream.status"',
        });
      }
      return sessionInfoOf({ ...item, id: sessionId });
    },

    async listSessions(options = {}) {
      const { json, status } = await getJson('/sessions', options);
      const items = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.sessions) ? json.sessions : null;
      if (!items) {
        throw new WasendInvalidResponseError({
          method: 'GET',
          path: '/sessions',
          status,
          reason: 'schema',
          detail: 'expected an array or { sessions: [...] }',
        });
      }
      const sessions: SessionInfo[] = [];
      let skipped = 0;
      for (const value of items) {
        const item = readSessionItem(value);
        if (!item?.id) {
          skipped++;
          continue;
        }
        sessions.push(sessionInfoOf({ ...item, id: item.id }));
      }
      if (skipped > 0) logger?.warn({ skipped }, 'Wasend listed sessions without an id; ignored them');
      return sessions;
    },

    async createSession(input, options = {}) {
      const { json, status } = await getJson('/sessions', options, 'POST', { sessionName: input.name, phoneNumber: input.phone });
      const item = readSessionItem(json);
      if (!item?.id) {
        throw new WasendInvalidResponseError({
          method: 'POST',
          path: '/sessions',
          status,
          reason: 'schema',
          detail: 'the new session has no "uniqueSessionId" or "id"',
        });
      }
      return sessionInfoOf({ ...item, id: item.id });
    },

    async deleteSession(sessionId, options = {}) {
      assertValidSessionId(sessionId);
      await send('DELETE', sessionPath(sessionId), options, 'application/json');
    },

    requestPairingCode(sessionId, phoneDigits, options = {}) {
      assertValidSessionId(sessionId);
      return requestCode(`${sessionPath(sessionId)}/auth/request-code`, phoneDigits, options);
    },

    async getPasskeyConfirmation(sessionId, options = {}) {
      assertValidSessionId(sessionId);
      const path = `${sessionPath(sessionId)}/auth/passkey/confirmation`;
      return readCode(await getJson(path, options), 'GET', path, PASSKEY_CODE);
    },

    async confirmPasskey(sessionId, options = {}) {
      assertValidSessionId(sessionId);
      await send('POST', `${sessionPath(sessionId)}/auth/passkey/confirm`, options, 'application/json');
    },

    async getAccount(options = {}) {
      const { json, status } = await getJson('/account', options);
      if (!isRecord(json))
        throw new WasendInvalidResponseError({ method: 'GET', path: '/account', status, reason: 'schema', detail: 'expected an object' });
      const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
      const source = isRecord(json.data) ? json.data : json;
      const [id, name, plan] = [text(source.id), text(source.name), text(source.plan)];
      return { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}), ...(plan !== undefined ? { plan } : {}) };
    },

    startSession: (sessionId, options = {}) => postAction(sessionId, 'start', options),
    stopSession: (sessionId, options = {}) => postAction(sessionId, 'stop', options),
    restartSession: (sessionId, options = {}) => postAction(sessionId, 'restart', options),
  };
}

/** Neither QR path exists on this server: not a missing session, so never told to a person as one. */
function noQrRoute(error: WasendNotFoundError): WasendInvalidResponseError {
  return new WasendInvalidResponseError({
    method: error.method,
    path: error.path,
    status: 404,
    reason: 'no_route',
    detail: 'neither /qr nor /auth/qr exists on this server',
  });
}

function sessionPath(sessionId: string): string {
  return `/sessions/${encodeURIComponent(sessionId)}`;
}

/** A 2xx, 409 or 422 on a QR path shows the server has that route, even if this answer was unusable. */
function provesPathExists(error: unknown): boolean {
  return error instanceof WasendInvalidResponseError || error instanceof WasendConflictError || error instanceof WasendNotReadyError;
}

/**
 * Finds id, name and status of one session, whichever of the documented shapes it is in: fields on the
 * item itself (SDK README), under `session` (docs) or under `downstream` (SDK type).
 */
interface SessionItem {
  readonly id?: string;
  readonly name?: string;
  readonly phone?: string;
  readonly status?: string;
}

function readSessionItem(value: unknown): SessionItem | undefined {
  if (!isRecord(value)) return undefined;
  const sources = [value, value.session, value.downstream].filter(isRecord);
  const first = (keys: readonly string[]) => {
    for (const key of keys) {
      for (const source of sources) {
        const found = source[key];
        if (typeof found === 'string' && found.trim() !== '') return found;
      }
    }
    return undefined;
  };
  return {
    id: first(['uniqueSessionId', 'id', 'sessionId', 'name']),
    name: first(['sessionName', 'name']),
    phone: first(['phoneNumber']),
    status: first(['status']),
  };
}
