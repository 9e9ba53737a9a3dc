import { isRecord } from '../shared/is-record.js';
import { GatewaySessionLimitError, WasendApiError, WasendInvalidResponseError } from './errors.js';
import { createGatewayHttp, PASSKEY_CODE, readCode, type GatewayHttpOptions } from './http.js';
import { assertValidSessionId } from './session-id.js';
import { toSessionStatus } from './status.js';
import type { RequestOptions, SessionInfo, WasendApi } from './types.js';

/**
 * Self-hosted WAHA (devlikeapro/waha): everything under `/api`, the key in `X-Api-Key` (no Bearer), sessions named
 * by the operator (the name is the id), listed as a bare array that leaves STOPPED ones out unless `?all=true`,
 * and the QR at `/api/{session}/auth/qr` (`?format=raw` for the string it encodes). Facts and
 * sources: `shared/gateways.md` part 1.
 */
export function createWahaClient(options: GatewayHttpOptions): WasendApi {
  const { send, getJson, fetchQr, noteStatus, requestCode } = createGatewayHttp(options, {
    client: 'createWahaClient',
    exampleUrl: 'http://localhost:3000',
    headers: (apiKey) => ({ 'x-api-key': apiKey }),
  });
  const session = (id: string) => {
    assertValidSessionId(id);
    return `/api/sessions/${encodeURIComponent(id)}`;
  };
  const auth = (id: string) => {
    assertValidSessionId(id);
    return `/api/${encodeURIComponent(id)}/auth`;
  };

  /** A WAHA SessionInfo: `name` is the id; `me.pushName` (once linked) the name a person knows it by. */
  const infoOf = (value: unknown, method: string, path: string, status: number, id?: string): SessionInfo => {
    const item = isRecord(value) ? value : {};
    const name = typeof item['name'] === 'string' && item['name'] !== '' ? item['name'] : id;
    const word = item['status'];
    if (name === undefined || typeof word !== 'string') {
      throw new WasendInvalidResponseError({ method, path, status, reason: 'schema', detail: 'expected a WAHA session { name, status }' });
    }
    const me = isRecord(item['me']) ? item['me'] : undefined;
    const pushName = typeof me?.['pushName'] === 'string' ? me['pushName'].trim() : '';
    const phone = typeof me?.['id'] === 'string' ? /^(\d{8,15})@/.exec(me['id'])?.[1] : undefined;
    return {
      id: name,
      status: noteStatus(toSessionStatus(word)),
      ...(pushName !== '' && pushName !== name ? { name: pushName } : {}),
      ...(phone !== undefined ? { phone } : {}),
    };
  };

  const action = async (id: string, verb: 'start' | 'stop' | 'restart', options: RequestOptions) => {
    await send('POST', `${session(id)}/${verb}`, options, 'application/json');
  };

  return {
    // `format=raw`: the string the code encodes, drawn here. Nothing to decode, and a body of about 250 bytes
    // instead of a PNG in base64. A server that ignores it sends the image, which the QR parser reads as well
    // (asked for exactly `application/json`: anything else gets the binary PNG).
    getQr: (id, options = {}) => fetchQr(`${auth(id)}/qr?format=raw`, options, 'application/json'),

    async getSession(id, options = {}) {
      const path = session(id);
      const { json, status } = await getJson(path, options);
      return infoOf(json, 'GET', path, status, id);
    },

    async listSessions(options = {}) {
      const path = '/api/sessions?all=true';
      const { json, status } = await getJson(path, options);
      if (!Array.isArray(json))
        throw new WasendInvalidResponseError({ method: 'GET', path, status, reason: 'schema', detail: 'expected a bare array of sessions' });
      const sessions: SessionInfo[] = [];
      for (const item of json) {
        try {
          sessions.push(infoOf(item, 'GET', path, status));
        } catch {
          // An item without a name or status is skipped, as the Wasend client skips one without an id.
        }
      }
      return sessions;
    },

    async createSession(input, options = {}) {
      assertValidSessionId(input.name);
      const path = '/api/sessions';
      try {
        const { json, status } = await getJson(path, options, 'POST', { name: input.name, start: true });
        return infoOf(json, 'POST', path, status, input.name);
      } catch (error) {
        // WAHA Core before 2026.6.1: "WAHA Core support only 'default' session".
        if (error instanceof WasendApiError && error.status === 422 && /only 'default' session/i.test(error.serverMessage ?? '')) {
          throw new GatewaySessionLimitError({ method: 'POST', path });
        }
        throw error;
      }
    },

    async deleteSession(id, options = {}) {
      await send('DELETE', session(id), options, 'application/json');
    },

    requestPairingCode: (id, phoneDigits, options = {}) => requestCode(`${auth(id)}/request-code`, phoneDigits, options),

    async getPasskeyConfirmation(id, options = {}) {
      const path = `${auth(id)}/passkey/confirmation`;
      return readCode(await getJson(path, options), 'GET', path, PASSKEY_CODE);
    },

    async confirmPasskey(id, options = {}) {
      await send('POST', `${auth(id)}/passkey/confirm`, options, 'application/json');
    },

    // WAHA has no account: the server's version stands in for it.
    async getAccount(options = {}) {
      const { json } = await getJson('/api/server/version', options);
      const version = isRecord(json) && typeof json['version'] === 'string' ? json['version'] : undefined;
      return { name: 'WAHA', ...(version !== undefined ? { plan: version } : {}) };
    },

    startSession: (id, options = {}) => action(id, 'start', options),
    stopSession: (id, options = {}) => action(id, 'stop', options),
    restartSession: (id, options = {}) => action(id, 'restart', options),
  };
}
