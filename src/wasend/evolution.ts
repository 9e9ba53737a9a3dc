import { isRecord } from '../shared/is-record.js';
import { WasendConflictError, WasendInvalidResponseError, WasendNotFoundError, WasendNotOfferedError, WasendNotReadyError } from './errors.js';
import { createGatewayHttp, type GatewayHttpOptions } from './http.js';
import { fingerprintQr, MAX_RAW_QR_BYTES } from './qr-response.js';
import { assertValidSessionId } from './session-id.js';
import type { NormalizedQr, QrPayload, RequestOptions, SessionInfo, SessionStatus, WasendApi } from './types.js';

/**
 * Evolution API (evolution-foundation/evolution-api 2.3.x / 2.4): instances instead of sessions, states
 * `open | close | connecting`, the key in the `apikey` header, and one call (`GET /instance/connect/{i}`) that both
 * starts a socket from `close` and returns the current QR while `connecting`. So a look asks the state first and
 * calls `connect` only while `connecting`: a look never starts a socket by itself. Facts: `shared/gateways.md` part 2.
 */
export function createEvolutionClient(options: GatewayHttpOptions): WasendApi {
  const { send, getJson, noteStatus } = createGatewayHttp(options, {
    client: 'createEvolutionClient',
    exampleUrl: 'http://localhost:8080',
    headers: (apiKey) => ({ apikey: apiKey }),
  });
  const instance = (action: string, id: string) => {
    assertValidSessionId(id);
    return `/instance/${action}/${encodeURIComponent(id)}`;
  };

  /** Evolution's states in the bot's words: `connecting` is a session showing codes (or about to). */
  const statusOf = (state: unknown): SessionStatus => {
    const raw = typeof state === 'string' ? state : 'unknown';
    const mapped =
      raw === 'open' ? 'WORKING' : raw === 'connecting' ? 'SCAN_QR_CODE' : raw === 'close' ? 'STOPPED' : raw === 'refused' ? 'FAILED' : raw;
    const status = noteStatus({ ...toStatus(mapped), raw });
    return status;
  };

  /** Answers that are HTTP 200 with `{"error": true}` are failures all the same. */
  const checked = (json: unknown, method: string, path: string, status: number): unknown => {
    if (isRecord(json) && json['error'] === true) {
      throw new WasendInvalidResponseError({ method, path, status, reason: 'schema', detail: 'the gateway answered {"error": true}' });
    }
    return json;
  };

  const infoOf = (row: unknown): SessionInfo | undefined => {
    if (!isRecord(row) || typeof row['name'] !== 'string') return undefined;
    const profile = typeof row['profileName'] === 'string' ? row['profileName'].trim() : '';
    const number = typeof row['number'] === 'string' && /^\d{8,15}$/.test(row['number']) ? row['number'] : undefined;
    return {
      id: row['name'],
      status: statusOf(row['connectionStatus']),
      ...(profile !== '' ? { name: profile } : {}),
      ...(number !== undefined ? { phone: number } : {}),
    };
  };

  const stateOf = async (id: string, options: RequestOptions): Promise<string> => {
    const path = instance('connectionState', id);
    const { json, status } = await getJson(path, options);
    const state = isRecord(json) && isRecord(json['instance']) ? json['instance']['state'] : undefined;
    if (typeof state !== 'string')
      throw new WasendInvalidResponseError({ method: 'GET', path, status, reason: 'schema', detail: 'expected { instance: { state } }' });
    return state;
  };

  const connect = async (id: string, options: RequestOptions, number?: string) => {
    const path = instance('connect', id) + (number === undefined ? '' : `?number=${number}`);
    const { json, status } = await getJson(path, options);
    return { json: checked(json, 'GET', path, status), status, path };
  };

  return {
    async getQr(id, options = {}) {
      const state = await stateOf(id, options);
      const notShowing = { method: 'GET', path: instance('connectionState', id) };
      if (state === 'open') throw new WasendConflictError({ ...notShowing, status: 409, serverMessage: 'Instance is connected' });
      if (state !== 'connecting') throw new WasendNotReadyError({ ...notShowing, status: 422, serverMessage: `Instance is ${state}` });
      const { json, path } = await connect(id, options);
      const code = isRecord(json) ? json['code'] : undefined;
      if (typeof code !== 'string' || code === '' || Buffer.byteLength(code) > MAX_RAW_QR_BYTES) {
        // `{count: 0}`: the socket is up but no code yet.
        throw new WasendNotReadyError({ method: 'GET', path, status: 422, serverMessage: 'no QR code yet' });
      }
      const payload: QrPayload = { kind: 'raw', value: code };
      const qr: NormalizedQr = { payload, fingerprint: fingerprintQr(payload) };
      return qr;
    },

    async getSession(id, options = {}) {
      const path = `/instance/fetchInstances?instanceName=${encodeURIComponent(id)}`;
      assertValidSessionId(id);
      const { json, status } = await getJson(path, options);
      const info = Array.isArray(json) ? json.map(infoOf).find((found) => found?.id === id) : undefined;
      if (info === undefined) {
        if (Array.isArray(json))
          throw new WasendNotFoundError({ method: 'GET', path, status: 404, serverMessage: `The "${id}" instance does not exist` });
        throw new WasendInvalidResponseError({ method: 'GET', path, status, reason: 'schema', detail: 'expected an array of instances' });
      }
      return info;
    },

    async listSessions(options = {}) {
      const path = '/instance/fetchInstances';
      const { json, status } = await getJson(path, options);
      if (!Array.isArray(json))
        throw new WasendInvalidResponseError({ method: 'GET', path, status, reason: 'schema', detail: 'expected an array of instances' });
      return json.map(infoOf).filter((info): info is SessionInfo => info !== undefined);
    },

    // From close, connect starts the socket; from connecting or open it changes nothing.
    async startSession(id, options = {}) {
      await connect(id, options);
    },
    async stopSession(id, options = {}) {
      await send('DELETE', instance('logout', id), options, 'application/json');
    },
    async restartSession(id, options = {}) {
      // Restart fails from close (its answer is a 200 with {"error": true}): a stopped instance is connected instead.
      if ((await stateOf(id, options)) === 'close') {
        await connect(id, options);
        return;
      }
      const path = instance('restart', id);
      const { json, status } = await getJson(path, options, 'POST');
      checked(json, 'POST', path, status);
    },

    async createSession(input, options = {}) {
      assertValidSessionId(input.name);
      const path = '/instance/create';
      const body = {
        instanceName: input.name,
        integration: 'WHATSAPP-BAILEYS',
        qrcode: false,
        ...(input.phone !== undefined ? { number: input.phone } : {}),
      };
      const { json, status } = await getJson(path, options, 'POST', body);
      const created = isRecord(json) && isRecord(json['instance']) ? json['instance']['instanceName'] : undefined;
      if (typeof created !== 'string')
        throw new WasendInvalidResponseError({ method: 'POST', path, status, reason: 'schema', detail: 'expected { instance: { instanceName } }' });
      return { id: created, status: statusOf('close') };
    },

    async deleteSession(id, options = {}) {
      await send('DELETE', instance('delete', id), options, 'application/json');
    },

    /**
     * A pairing code comes from `connect?number=` from `close` only (while `connecting` Evolution ignores the
     * number): an instance showing QR codes is logged out first, then connected again with the number.
     */
    async requestPairingCode(id, phoneDigits, options = {}) {
      if (!/^\d{8,15}$/.test(phoneDigits)) throw new TypeError('requestPairingCode: phoneDigits must be 8 to 15 digits');
      const state = await stateOf(id, options);
      if (state === 'open')
        throw new WasendConflictError({ method: 'GET', path: instance('connect', id), status: 409, serverMessage: 'Instance is connected' });
      if (state === 'connecting') await send('DELETE', instance('logout', id), options, 'application/json');
      const { json, status, path } = await connect(id, options, phoneDigits);
      const code = isRecord(json) && typeof json['pairingCode'] === 'string' ? json['pairingCode'].trim().toUpperCase() : undefined;
      if (code === undefined || !/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/.test(code)) {
        throw new WasendInvalidResponseError({
          method: 'GET',
          path: path.split('?')[0] ?? path,
          status,
          reason: 'schema',
          detail: 'expected a "pairingCode"',
        });
      }
      return code;
    },

    // Evolution has no passkey step and no account: said in words by the callers.
    getPasskeyConfirmation: async (id) => {
      throw new WasendNotOfferedError({ method: 'GET', path: instance('passkey', id), status: 404 });
    },
    confirmPasskey: async (id) => {
      throw new WasendNotOfferedError({ method: 'POST', path: instance('passkey', id), status: 404 });
    },
    getAccount: async () => ({ name: 'Evolution API' }),
  };
}

function toStatus(word: string): SessionStatus {
  const states: Record<string, SessionStatus['state']> = {
    WORKING: 'connected',
    SCAN_QR_CODE: 'awaiting_scan',
    STOPPED: 'stopped',
    FAILED: 'failed',
  };
  return { state: states[word] ?? 'unknown', raw: word };
}
