/**
 * The vendor's SDK (`@wasend/core` 1.3.3, shipped inside `wasenddev/wasend-sdk-go` under `wasendcore/jsii/`) is the
 * yardstick of the simulator: every session call it makes is made here, raw, on the SDK's method and path, and the
 * answer must have the shape the SDK's types declare (schemas below mirror `lib/sessions.d.ts` and `lib/index.d.ts`).
 * The same calls then go through our own client.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createWasendSimulator, type WasendSimulator } from '../../src/simulator/server.js';
import { createWasendClient } from '../../src/wasend/client.js';
import { WasendNotOfferedError } from '../../src/wasend/errors.js';

const KEY = 'sdk-parity-key-0123456789';

const sessionDetails = z.object({
  id: z.string(),
  uniqueSessionId: z.string(),
  userId: z.string(),
  sessionName: z.string(),
  phoneNumber: z.string(),
  enableAccountProtection: z.boolean(),
  enableMessageLogging: z.boolean(),
  enableWebhook: z.boolean(),
  webhookUrl: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const sessionConfig = z.object({
  metadata: z.object({ userId: z.string(), userEmail: z.string() }),
  proxy: z.unknown(),
  debug: z.boolean(),
  noweb: z.object({ markOnline: z.boolean(), store: z.object({ enabled: z.boolean(), fullSync: z.boolean() }) }),
  webhooks: z.array(z.unknown()),
});
const engineStatus = z.object({
  grpc: z.object({ client: z.string(), stream: z.string() }),
  gows: z.object({ found: z.boolean(), connected: z.boolean() }),
});
/** SDK `Session` (createSession, retrieveSessionInfo, start/stop/restart). */
const session = sessionDetails.extend({ name: z.string(), status: z.string(), config: sessionConfig, engine: engineStatus });
/** SDK `GetAllSessionsResponse`. */
const allSessions = z.object({
  sessions: z.array(
    z.object({
      session: sessionDetails,
      downstream: z.object({ name: z.string(), status: z.string(), config: sessionConfig, engine: engineStatus }),
    }),
  ),
});
/** SDK `QRCodeResponse`. */
const qrCode = z.object({ data: z.string() });
/** SDK `AccountInfo`. */
const account = z.object({ id: z.string(), name: z.string(), plan: z.string() });

let sim: WasendSimulator;
beforeEach(async () => {
  sim = await createWasendSimulator({
    apiKey: KEY,
    speed: 50,
    startingMs: 1_000,
    sessions: [{ id: 'sdk', name: 'SDK session', status: 'STOPPED', listShape: 'downstream' }],
  });
});
afterEach(async () => {
  await sim.close();
});

/** One call as the SDK's axios client makes it: JSON body, bearer key. */
async function sdkCall(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(sim.url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'user-agent': 'wasend-dev/1.0.0' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

describe('the simulator answers every session call of @wasend/core 1.3.3 in the shapes its types declare', () => {
  it('createSession, retrieveAllSessions, retrieveSessionInfo, start/stop/restart, retrieveQRCode, retrieveAccount, deleteSession', async () => {
    const created = await sdkCall('POST', '/sessions', { sessionName: 'Shop', phoneNumber: '+5511987654321', enableWebhook: false });
    expect(created.status).toBe(201);
    const made = session.parse(created.json);
    expect(made).toMatchObject({ sessionName: 'Shop', phoneNumber: '+5511987654321', status: 'STOPPED' });
    const id = made.uniqueSessionId;

    const listed = await sdkCall('GET', '/sessions');
    expect(listed.status).toBe(200);
    const items = allSessions.parse({
      sessions: (listed.json as { sessions: unknown[] }).sessions.filter((item) => (item as { downstream?: unknown }).downstream !== undefined),
    });
    expect(items.sessions.map((item) => item.session.uniqueSessionId)).toContain('sdk');

    session.parse((await sdkCall('GET', `/sessions/${id}`)).json);
    const started = await sdkCall('POST', `/sessions/${id}/start`);
    expect(started.status).toBe(201);
    expect(session.parse(started.json).status).toBe('STARTING');
    // The SDK asks /auth/qr; WAHA waits a moment for a starting session's first code instead of answering 422.
    const qr = await sdkCall('GET', `/sessions/${id}/auth/qr`);
    expect(qr.status).toBe(200);
    expect(qrCode.parse(qr.json).data.length).toBeGreaterThan(100);
    session.parse((await sdkCall('POST', `/sessions/${id}/restart`)).json);
    session.parse((await sdkCall('POST', `/sessions/${id}/stop`)).json);
    expect(account.parse((await sdkCall('GET', '/account')).json)).toEqual({ id: 'acc_sim', name: 'Wasend simulator', plan: 'free' });

    const deleted = await sdkCall('DELETE', `/sessions/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ success: true });
    expect((await sdkCall('GET', `/sessions/${id}`)).status).toBe(404);
  });
});

describe('our client makes the same calls against the simulator', () => {
  it('creates, lists with name and number, reads, starts, gets the QR, asks a pairing code, restarts, stops, reads the account and deletes', async () => {
    const client = createWasendClient({ baseUrl: sim.url, apiKey: KEY, maxRetries: 0 });
    const made = await client.createSession({ name: 'Shop', phone: '5511987654321' });
    expect(made).toMatchObject({ name: 'Shop', phone: '5511987654321', status: { state: 'stopped' } });
    expect((await client.listSessions()).find((s) => s.id === made.id)).toEqual(made);
    expect(await client.getSession('sdk')).toMatchObject({ id: 'sdk', name: 'SDK session', status: { state: 'stopped' } });

    await client.startSession(made.id);
    const qr = await client.getQr(made.id);
    expect(qr.payload.kind).toBe('image');
    const code = await client.requestPairingCode(made.id, '5511987654321');
    expect(code).toBe(sim.state(made.id)?.pairingCode);
    await client.restartSession(made.id);
    await client.stopSession(made.id);
    expect(await client.getAccount()).toEqual({ id: 'acc_sim', name: 'Wasend simulator', plan: 'free' });
    await client.deleteSession(made.id);
    expect(sim.state(made.id)).toBeUndefined();
  });

  it('reads the passkey confirmation code and confirms it; the session links', async () => {
    const client = createWasendClient({ baseUrl: sim.url, apiKey: KEY, maxRetries: 0 });
    await client.startSession('sdk');
    await expect(client.getPasskeyConfirmation('sdk')).rejects.toMatchObject({ status: 422 });
    sim.passkey('sdk', 'confirmation');
    expect((await client.getSession('sdk')).status.state).toBe('passkey_confirmation');
    expect(await client.getPasskeyConfirmation('sdk')).toBe(sim.state('sdk')?.passkeyCode);
    await client.confirmPasskey('sdk');
    expect((await client.getSession('sdk')).status.state).toBe('connected');
    sim.passkey('sdk', 'required');
    expect((await client.getSession('sdk')).status).toEqual({ state: 'passkey_required', raw: 'PASSKEY_REQUIRED' });
  });

  it('tells "no pairing codes on this server" (router 404, 405, 501) from a missing session', async () => {
    const client = createWasendClient({ baseUrl: sim.url, apiKey: KEY, maxRetries: 0 });
    await expect(client.requestPairingCode('nosuch', '5511987654321')).rejects.toMatchObject({ status: 404, name: 'WasendNotFoundError' });
    sim.setPairingCodes(false);
    await expect(client.requestPairingCode('sdk', '5511987654321')).rejects.toBeInstanceOf(WasendNotOfferedError);
    for (const status of [405, 501]) {
      sim.setPairingCodes(true);
      sim.injectFaults({ kind: 'status', status, path: 'request-code' });
      await expect(client.requestPairingCode('sdk', '5511987654321')).rejects.toBeInstanceOf(WasendNotOfferedError);
    }
  });
});
