import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pairingCode } from '../../src/simulator/codes.js';
import { QR_SHAPES, createWasendSimulator } from '../../src/simulator/server.js';
import type { SimSessionSpec, WasendSimulator } from '../../src/simulator/server.js';
import { decodeImage } from './helpers.js';
import { eventually } from '../support/wait.js';

const KEY = 'test-key-123';

function client(sim: WasendSimulator, key = KEY) {
  return (path: string, init: RequestInit = {}) =>
    fetch(`${sim.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });
}

/** Pulls the image or the raw string out of any QR response shape. */
async function readQr(response: Response): Promise<{ image?: Buffer; raw?: string }> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    return { image: Buffer.from(await response.arrayBuffer()) };
  }
  const body = (await response.json()) as Record<string, unknown>;
  const text = String(body.data ?? body.qrCode ?? body.value);
  if (text.startsWith('2@')) return { raw: text };
  const base64 = text.replace(/^data:[^,]+,/, '').replace(/\s+/g, '');
  return { image: Buffer.from(base64, 'base64') };
}

const opened: WasendSimulator[] = [];
async function open(sessions: SimSessionSpec[], extra: Partial<Parameters<typeof createWasendSimulator>[0]> = {}) {
  const sim = await createWasendSimulator({ apiKey: KEY, sessions, ...extra });
  opened.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((sim) => sim.close()));
});

describe('auth and sessions', () => {
  let sim: WasendSimulator;
  beforeAll(async () => {
    sim = await createWasendSimulator({
      apiKey: KEY,
      sessions: [
        { id: 'nested', status: 'SCAN_QR_CODE', listShape: 'session' },
        { id: 'down', status: 'WORKING', listShape: 'downstream' },
        { id: 'flat', status: 'FAILED', listShape: 'flat', vocabulary: 'wasend' },
        { id: 'wasend-scan', status: 'SCAN_QR_CODE', vocabulary: 'wasend', listShape: 'flat' },
      ],
    });
  });
  afterAll(() => sim.close());

  it('refuses a missing or wrong key with 401 JSON that does not echo the key', async () => {
    const none = await fetch(`${sim.url}/sessions`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toMatch(/key/i);
    const wrong = await client(sim, 'wrong-key-456')('/sessions');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('wrong-key-456');
    const right = await client(sim)('/sessions');
    expect(right.status).toBe(200);
  });

  it('lists sessions with the status where each listShape puts it, in each vocabulary', async () => {
    const body = (await (await client(sim)('/sessions')).json()) as { sessions: Array<Record<string, unknown>> };
    const idOf = (item: Record<string, unknown>) => item.uniqueSessionId ?? (item.session as Record<string, unknown>).uniqueSessionId;
    const byId = new Map(body.sessions.map((item) => [idOf(item), item]));
    expect(byId.get('nested')).toMatchObject({ session: { uniqueSessionId: 'nested', sessionName: 'nested', status: 'SCAN_QR_CODE' } });
    expect(byId.get('nested')).not.toHaveProperty('status');
    expect(byId.get('down')).toMatchObject({ downstream: { status: 'WORKING' } });
    expect(byId.get('flat')).toMatchObject({ status: 'ERROR' });
    expect(byId.get('wasend-scan')).toMatchObject({ status: 'STARTING' });
    expect((await client(sim)('/sessions/wasend-scan/qr')).status).toBe(200);
  });

  it('answers one session with a top-level status, and 404 for an unknown one', async () => {
    const one = await client(sim)('/sessions/down');
    expect(await one.json()).toMatchObject({ uniqueSessionId: 'down', status: 'WORKING' });
    const missing = await client(sim)('/sessions/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'Session not found' });
    const missingQr = await client(sim)('/sessions/nope/qr');
    expect(missingQr.status).toBe(404);
  });

  it('creates a session from the Wasend create body, and rejects one without a name', async () => {
    const created = await client(sim)('/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionName: 'Shop Phone', phoneNumber: '+15550001' }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { uniqueSessionId: string; status: string; phoneNumber: string };
    expect(body).toMatchObject({ status: 'STOPPED', phoneNumber: '+15550001' });
    expect(sim.state(body.uniqueSessionId)?.status).toBe('STOPPED');
    expect((await client(sim)(`/sessions/${body.uniqueSessionId}`)).status).toBe(200);

    const bad = await client(sim)('/sessions', { method: 'POST', body: JSON.stringify({ phoneNumber: '1' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: unknown }).message).toEqual([expect.stringContaining('sessionName')]);
  });
});

describe('QR responses', () => {
  it.each(QR_SHAPES)('shape %s carries the current code', async (qrShape) => {
    const sim = await open([{ id: 's', status: 'SCAN_QR_CODE', qrShape }]);
    const response = await client(sim)('/sessions/s/qr');
    expect(response.status).toBe(200);
    const expected = sim.state('s')?.code;
    expect(expected).toMatch(/^2@[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]{44},[A-Za-z0-9+/=]{44},[A-Za-z0-9+/=]{44}$/);

    const copy = response.clone();
    const { image, raw } = await readQr(response);
    if (raw !== undefined) expect(raw).toBe(expected);
    else expect(await decodeImage(image ?? Buffer.alloc(0))).toBe(expected);

    if (qrShape === 'binary') {
      expect(copy.headers.get('content-type')).toBe('image/png');
      return;
    }
    const body = (await copy.json()) as Record<string, unknown>;
    const keys = Object.keys(body).sort();
    const expectedKeys: Record<string, string[]> = {
      'data-base64': ['data'],
      'data-url': ['data'],
      'wrapped-base64': ['data'],
      'qrCode-expiresAt': ['expiresAt', 'qrCode'],
      'mimetype-data': ['data', 'mimetype'],
      'value-raw': ['value'],
      'data-raw': ['data'],
      'qrCode-raw': ['qrCode'],
    };
    expect(keys).toEqual(expectedKeys[qrShape]);
    if (qrShape === 'data-url') expect(body.data).toMatch(/^data:image\/png;base64,iVBOR/);
    if (qrShape === 'data-base64') expect(body.data).toMatch(/^iVBOR[A-Za-z0-9+/=]+$/);
    if (qrShape === 'mimetype-data') expect(body.mimetype).toBe('image/png');
    if (qrShape === 'wrapped-base64') {
      const lines = String(body.data).split('\n');
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.slice(0, -1).every((line) => line.length === 76)).toBe(true);
    }
  });

  it.each([
    ['iso', (value: unknown) => Date.parse(String(value))],
    ['epoch-s', (value: unknown) => Number(value) * 1000],
    ['epoch-ms', (value: unknown) => Number(value)],
  ] as const)('expiresAt in %s marks when the code stops', async (expiresAtFormat, toMs) => {
    const sim = await open([{ id: 'e', status: 'SCAN_QR_CODE', qrShape: 'qrCode-expiresAt', expiresAtFormat }]);
    const body = (await (await client(sim)('/sessions/e/qr')).json()) as { expiresAt: unknown };
    const expiresAt = sim.state('e')?.expiresAt ?? 0;
    expect(Math.abs(toMs(body.expiresAt) - expiresAt)).toBeLessThan(1000);
    expect(expiresAt - Date.now()).toBeGreaterThan(50_000);
  });

  it('omits expiresAt when asked', async () => {
    const sim = await open([{ id: 'e', status: 'SCAN_QR_CODE', qrShape: 'qrCode-expiresAt', expiresAtFormat: 'none' }]);
    expect(Object.keys((await (await client(sim)('/sessions/e/qr')).json()) as object)).toEqual(['qrCode']);
  });

  it('draws the small, transparent and JPEG styles as described, each scannable', async () => {
    const sim = await open([
      { id: 'small', status: 'SCAN_QR_CODE', imageStyle: 'small', qrShape: 'binary' },
      { id: 'clear', status: 'SCAN_QR_CODE', imageStyle: 'transparent', qrShape: 'binary' },
      { id: 'jpeg', status: 'SCAN_QR_CODE', imageStyle: 'jpeg', qrShape: 'mimetype-data' },
      { id: 'plain', status: 'SCAN_QR_CODE', qrShape: 'binary' },
    ]);
    const fetchImage = async (id: string) => (await readQr(await client(sim)(`/sessions/${id}/qr`))).image ?? Buffer.alloc(0);

    const plain = await fetchImage('plain');
    expect((await sharp(plain).metadata()).width).toBe(264);
    const small = await fetchImage('small');
    expect((await sharp(small).metadata()).width).toBe(200);
    expect(await decodeImage(small)).toBe(sim.state('small')?.code);

    const clear = await fetchImage('clear');
    const { data, info } = await sharp(clear).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0);
    expect(await decodeImage(clear)).toBe(sim.state('clear')?.code);

    const jpegResponse = await client(sim)('/sessions/jpeg/qr');
    const jpegBody = (await jpegResponse.json()) as { mimetype: string; data: string };
    expect(jpegBody.mimetype).toBe('image/jpeg');
    const jpeg = Buffer.from(jpegBody.data, 'base64');
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(await decodeImage(jpeg)).toBe(sim.state('jpeg')?.code);
  });

  it('answers 409 when connected and a WAHA 422 when there is no code', async () => {
    const sim = await open([
      { id: 'on', status: 'WORKING' },
      { id: 'off', status: 'STOPPED' },
      { id: 'boot', status: 'STARTING' },
      { id: 'dead', status: 'FAILED', vocabulary: 'wasend' },
    ]);
    expect((await client(sim)('/sessions/on/qr')).status).toBe(409);
    for (const [id, status] of [
      ['off', 'STOPPED'],
      ['boot', 'STARTING'],
      ['dead', 'ERROR'],
    ] as const) {
      const response = await client(sim)(`/sessions/${id}/qr`);
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ error: expect.any(String), session: id, status, expected: ['SCAN_QR_CODE'] });
    }
  });

  it.each([
    ['both', 200, 200],
    ['qr-only', 200, 404],
    ['auth-only', 404, 200],
  ] as const)('qrPaths %s: /qr answers %i, /auth/qr answers %i', async (qrPaths, qrStatus, authStatus) => {
    const sim = await open([{ id: 'p', status: 'SCAN_QR_CODE', qrShape: 'value-raw' }], { qrPaths });
    const viaQr = await client(sim)('/sessions/p/qr');
    const viaAuth = await client(sim)('/sessions/p/auth/qr');
    expect([viaQr.status, viaAuth.status]).toEqual([qrStatus, authStatus]);
    for (const response of [viaQr, viaAuth]) {
      const body = (await response.json()) as { value?: string; message?: string };
      if (response.status === 200) expect(body.value).toBe(sim.state('p')?.code);
      else expect(body.message).not.toBe('Session not found');
    }
  });
});

describe('lifecycle over HTTP', () => {
  it('start, six rotations, FAILED, restart gives a new series, stop', async () => {
    const sim = await open([{ id: 'l', qrShape: 'value-raw' }]);
    const api = client(sim);
    expect(await (await api('/sessions/l/start', { method: 'POST' })).json()).toMatchObject({ status: 'STARTING' });
    expect(sim.state('l')).toMatchObject({ status: 'STARTING', series: 1, code: null });

    const firstSeries: string[] = [];
    for (let index = 1; index <= 6; index += 1) {
      await fetch(`${sim.url}/_sim/sessions/l/rotate`, { method: 'POST' });
      expect(sim.state('l')?.codeIndex).toBe(index);
      firstSeries.push(((await (await api('/sessions/l/qr')).json()) as { value: string }).value);
    }
    expect(new Set(firstSeries).size).toBe(6);
    sim.rotate('l');
    expect(sim.state('l')?.status).toBe('FAILED');
    expect((await api('/sessions/l/qr')).status).toBe(422);

    expect((await api('/sessions/l/restart', { method: 'POST' })).status).toBe(201);
    sim.rotate('l');
    const second = sim.state('l');
    expect(second).toMatchObject({ series: 2, codeIndex: 1 });
    expect(firstSeries).not.toContain(second?.code);

    await api('/sessions/l/stop', { method: 'POST' });
    expect(sim.state('l')?.status).toBe('STOPPED');
    expect(() => sim.rotate('l')).toThrow(/no code/);
  });

  it('runs the whole series by itself at speed 200: STARTING, codes in order, FAILED', async () => {
    const sim = await open([{ id: 'run', qrShape: 'value-raw' }], { speed: 200 });
    const api = client(sim);
    const started = (await (await api('/sessions/run/start', { method: 'POST' })).json()) as { status: string };
    const statuses: string[] = [started.status];
    const seen: string[] = [];
    await eventually(async () => {
      const status = ((await (await api('/sessions/run')).json()) as { status: string }).status;
      if (statuses.at(-1) !== status) statuses.push(status);
      const response = await api('/sessions/run/qr');
      if (response.status === 200) {
        const value = ((await response.json()) as { value: string }).value;
        if (seen.at(-1) !== value) seen.push(value);
      }
      return status === 'FAILED';
    }, 'the series to end');
    expect(statuses).toEqual(['STARTING', 'SCAN_QR_CODE', 'FAILED']);
    const series = [1, 2, 3, 4, 5, 6].map((index) => pairingCode('run', 1, index));
    const positions = seen.map((code) => series.indexOf(code));
    expect(positions[0]).toBe(0);
    expect(positions.every((position, i) => position > (i === 0 ? -1 : (positions[i - 1] ?? 99)))).toBe(true);
    expect(sim.state('run')).toMatchObject({ status: 'FAILED', code: null, series: 1 });
  });

  it('a paused clock holds the code while a running twin ends its whole series; resumed, the codes carry on in order', async () => {
    const held = await open([{ id: 'p', status: 'SCAN_QR_CODE', qrShape: 'value-raw' }], { speed: 200, startingMs: 0 });
    const twin = await open([{ id: 'p', status: 'SCAN_QR_CODE', qrShape: 'value-raw' }], { speed: 200, startingMs: 0 });
    held.pauseClock();
    const code = held.state('p')?.code;
    expect(code).toBe(pairingCode('p', 1, 1));
    // The twin's series (300 ms, then five of 100 ms) runs out by itself: the same time passed for both.
    await eventually(() => twin.state('p')?.status === 'FAILED', 'the running twin to end its series');
    const paused = held.state('p');
    expect(paused).toMatchObject({ codeIndex: 1, code });
    // What a client reads is still in the future: the code has its life ahead of it, not behind.
    expect(paused?.expiresAt).toBeGreaterThan(Date.now());
    expect(((await (await client(held)('/sessions/p/qr')).json()) as { value: string }).value).toBe(code);

    held.resumeClock();
    const seen: number[] = [];
    await eventually(() => {
      const index = held.state('p')?.codeIndex ?? 0;
      if (index > 0 && seen.at(-1) !== index) seen.push(index);
      return held.state('p')?.status === 'FAILED';
    }, 'the resumed series to end');
    expect(seen[0]).toBe(1);
    expect(seen.every((index, i) => i === 0 || index > seen[i - 1]!)).toBe(true);
  });

  it('scan connects, logout unlinks, and a stopped linked phone restarts without a QR', async () => {
    const sim = await open([{ id: 'x', status: 'SCAN_QR_CODE', vocabulary: 'wasend' }], { startingMs: 0 });
    const api = client(sim);
    sim.scan('x');
    expect(sim.state('x')).toMatchObject({ status: 'CONNECTED', linked: true });
    expect((await api('/sessions/x/qr')).status).toBe(409);

    await api('/sessions/x/stop', { method: 'POST' });
    await api('/sessions/x/start', { method: 'POST' });
    expect(sim.state('x')?.wahaStatus).toBe('WORKING');

    sim.logout('x');
    expect(sim.state('x')).toMatchObject({ status: 'STOPPED', linked: false });
    await api('/sessions/x/start', { method: 'POST' });
    expect(sim.state('x')).toMatchObject({ wahaStatus: 'SCAN_QR_CODE', codeIndex: 1 });

    sim.fail('x');
    expect(sim.state('x')?.status).toBe('ERROR');
  });
});

describe('faults', () => {
  it('answers injected statuses with Retry-After, for the next count matching requests only', async () => {
    const sim = await open([{ id: 'f', status: 'SCAN_QR_CODE' }]);
    const api = client(sim);
    sim.injectFaults({ kind: 'status', status: 429, retryAfter: '3' }, 2);
    const first = await api('/sessions/f');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await api('/sessions')).status).toBe(429);
    expect((await api('/sessions')).status).toBe(200);

    sim.injectFaults({ kind: 'status', status: 503, path: '/qr' });
    expect((await api('/sessions/f')).status).toBe(200);
    expect((await api('/sessions/f/qr')).status).toBe(503);
    expect((await api('/sessions/f/qr')).status).toBe(200);

    sim.injectFaults({ kind: 'status', status: 502, body: '<html>bad gateway</html>' });
    const html = await api('/sessions/f');
    expect([html.status, await html.text()]).toEqual([502, '<html>bad gateway</html>']);
  });

  it('garbage, reset, huge and slow break the exchange the way they say', async () => {
    const sim = await open([{ id: 'f', status: 'SCAN_QR_CODE' }]);
    const api = client(sim);

    sim.injectFaults({ kind: 'garbage' });
    const garbage = await api('/sessions/f');
    expect(garbage.status).toBe(200);
    await expect(garbage.json()).rejects.toThrow();

    sim.injectFaults({ kind: 'reset' });
    await expect(api('/sessions/f')).rejects.toThrow();

    sim.injectFaults({ kind: 'huge', bytes: 3_000_000 });
    const huge = await api('/sessions/f');
    expect(huge.headers.get('content-length')).toBeNull();
    expect((await huge.arrayBuffer()).byteLength).toBe(3_000_000);

    sim.injectFaults({ kind: 'slow', delayMs: 5_000 });
    await expect(api('/sessions/f', { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect((await api('/sessions/f')).status).toBe(200);

    expect(sim.requests.map((request) => request.status)).toEqual([200, 0, 200, 0, 200]);
  });

  it('bad-image spoils only a QR response: truncated or not an image at all', async () => {
    const sim = await open([{ id: 'b', status: 'SCAN_QR_CODE', qrShape: 'data-url' }]);
    const api = client(sim);
    sim.injectFaults({ kind: 'bad-image' });
    sim.injectFaults({ kind: 'bad-image', variant: 'not-image' });
    expect((await api('/sessions/b')).status).toBe(200);

    for (const _ of [1, 2]) {
      const { image } = await readQr(await api('/sessions/b/qr'));
      await expect(sharp(image).raw().toBuffer()).rejects.toThrow();
    }
    const { image } = await readQr(await api('/sessions/b/qr'));
    expect(await decodeImage(image ?? Buffer.alloc(0))).toBe(sim.state('b')?.code);
  });
});

describe('request log and controls', () => {
  it('logs every API request with method, path and status, not the controls', async () => {
    const sim = await open([{ id: 'r', status: 'STOPPED' }]);
    const api = client(sim);
    await api('/sessions/r?x=1');
    await api('/sessions/r/start', { method: 'POST' });
    await api('/sessions/r/qr');
    await fetch(`${sim.url}/sessions`);
    await fetch(`${sim.url}/_sim/sessions/r`);
    expect(sim.requests.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      'GET /sessions/r 200',
      'POST /sessions/r/start 201',
      'GET /sessions/r/qr 422',
      'GET /sessions 401',
    ]);
    expect(sim.requests.every((request) => request.at > 0)).toBe(true);
    sim.resetRequests();
    expect(sim.requests).toHaveLength(0);
  });

  it('mirrors the programmatic controls over /_sim/ without a key', async () => {
    const sim = await open([]);
    const post = (path: string, body?: unknown) =>
      fetch(`${sim.url}/_sim${path}`, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

    expect((await post('/sessions', { id: 'c', status: 'SCAN_QR_CODE', qrShape: 'qrCode-raw' })).status).toBe(201);
    expect((await post('/sessions', { id: 'c' })).status).toBe(409);
    expect((await post('/sessions', { id: 'bad', qrShape: 'nope' })).status).toBe(400);

    const state = (await (await fetch(`${sim.url}/_sim/sessions/c`)).json()) as { code: string; codeIndex: number };
    expect(state).toMatchObject({ codeIndex: 1, code: sim.state('c')?.code });
    const rotated = (await (await post('/sessions/c/rotate')).json()) as { codeIndex: number };
    expect(rotated.codeIndex).toBe(2);
    expect(((await (await post('/sessions/c/scan')).json()) as { status: string }).status).toBe('WORKING');
    expect((await post('/sessions/c/rotate')).status).toBe(409);
    expect((await post('/sessions/c/logout')).status).toBe(200);
    expect(sim.state('c')?.status).toBe('STOPPED');
    expect((await post('/sessions/zzz/scan')).status).toBe(404);

    expect((await post('/faults', { fault: { kind: 'status', status: 500 }, count: 1 })).status).toBe(204);
    expect((await post('/faults', { fault: { kind: 'boom' } })).status).toBe(400);
    expect((await client(sim)('/sessions')).status).toBe(500);
    expect((await client(sim)('/sessions')).status).toBe(200);
  });
});
