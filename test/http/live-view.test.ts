import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, STRANGER, USER, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { launchData, liveViewButton, openLiveStream, type StreamLine } from '../support/live-view.js';
import { createMemoryLogger } from '../support/memory-logger.js';
import { eventually } from '../support/wait.js';
import { createHttpServer } from '../../src/http/server.js';
import { okHealth } from './helpers.js';

const WEBHOOK_SECRET = 'wasend-webhook-secret-0123456789';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const start = (maxAgeS?: number) =>
  startApp({
    sessions: [{ id: 'demo', status: 'SCAN_QR_CODE' }],
    listener: { wasendSecret: WEBHOOK_SECRET, liveView: maxAgeS === undefined ? {} : { maxAgeS } },
  });

/** What a phone reads from the QR face the page shows. */
const scanFace = async (line: StreamLine) => (line.face?.image ? decodeQrPng(Buffer.from(line.face.image.split(',')[1]!, 'base64')) : null);

describe('the live view (Mini App) API', () => {
  it('puts an "Open live view" button on a live QR message, serves a self-contained page, and streams each new code', async () => {
    h = await start();
    const reply = await h.say(ADMIN, '/qr demo');
    const first = await untilShowsCurrentCode(h, reply, 'demo');
    expect(liveViewButton(reply)).toBe(`${h.url}/app/?s=demo`);

    const page = await fetch(`${h.url}/app/?s=demo`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    const html = await page.text();
    // Nothing from another origin: no absolute URL in the page's scripts or styles.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await fetch(`${h.url}/app/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);

    const opened = await openLiveStream(h.url!, 'demo', launchData(h.config.telegram.token, ADMIN, { languageCode: 'es' }));
    const stream = opened.stream!;
    const hello = await stream.until((l) => l.type === 'hello', 'the greeting');
    expect(hello.texts?.['app-title']).toBe('En vivo');
    const face = await stream.until((l) => l.type === 'face', 'the first face');
    expect(face.face?.kind).toBe('qr');
    expect(await scanFace(face)).toBe(first);

    h.rotate('demo');
    const next = h.sim.state('demo')!.code!;
    expect(next).not.toBe(first);
    const rotated = await stream.until((l) => l.type === 'face' && l.face?.image !== face.face?.image, 'the rotated code', 5_000);
    expect(await scanFace(rotated)).toBe(next);
    // Its expiry comes with it: the page counts down to it.
    expect(rotated.face?.expiresAt).toBeGreaterThan(Date.now());

    h.sim.scan('demo');
    await stream.until((l) => l.type === 'face' && l.face?.kind === 'connected', 'Connected');
    stream.close();
    // Launch data is a credential: never in the log.
    expect(h.logs.join('')).not.toContain('auth_date');
  });

  it('refuses forged, stale and missing launch data, a person without access, and ends the stream of a person revoked', async () => {
    h = await start(60);
    const token = h.config.telegram.token;
    await h.store().grants.grant(USER, 'demo', ADMIN);
    const reply = await h.say(USER, '/qr demo');
    await untilShowsCurrentCode(h, reply, 'demo');

    expect(await openLiveStream(h.url!, 'demo', launchData(token, USER, { forge: true }))).toMatchObject({ status: 401, body: { reason: 'forged' } });
    const stale = launchData(token, USER, { authDate: Math.floor(Date.now() / 1000) - 61 });
    expect(await openLiveStream(h.url!, 'demo', stale)).toMatchObject({ status: 401, body: { reason: 'stale' } });
    expect(await openLiveStream(h.url!, 'demo', '')).toMatchObject({ status: 401 });
    const noHeader = await fetch(`${h.url}/app/api/live?s=demo`);
    expect(noHeader.status).toBe(401);
    expect(await openLiveStream(h.url!, 'demo', launchData(token, STRANGER))).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(
      (await fetch(`${h.url}/app/api/renew?s=demo`, { method: 'POST', headers: { authorization: `tma ${launchData(token, STRANGER)}` } })).status,
    ).toBe(403);

    const { stream } = await openLiveStream(h.url!, 'demo', launchData(token, USER));
    await stream!.until((l) => l.type === 'face' && l.face?.kind === 'qr', 'the code, for a person with a grant');
    await h.store().grants.revoke(USER, 'demo');
    await stream!.until((l) => l.type === 'refused', 'the stream to say access ended', 5_000);
    await h.until(() => stream!.ended(), 'the stream to end');
    const after = stream!.lines.slice(stream!.lines.findIndex((l) => l.type === 'refused'));
    expect(after.map((l) => l.type)).toEqual(['refused']);
  });
});

describe('the live view stream on the listener', () => {
  it('outlives the listener idle and request timeouts (a ping keeps it open), and access unknown shows nothing new', async () => {
    const token = '123456789:AAHsecretsecretsecretsecretsecret';
    let access: 'yes' | 'unknown' = 'yes';
    let changed: (() => void) | undefined;
    let face = 1;
    /** Access checks the store could not answer: each is a look that had a new face to send. */
    let unknownLooks = 0;
    const server = await createHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: createMemoryLogger(),
      health: okHealth,
      idleTimeoutMs: 300,
      bodyTimeoutMs: 300,
      miniApp: {
        botToken: token,
        maxAgeS: 60,
        mayUse: async () => {
          if (access === 'unknown') {
            unknownLooks += 1;
            throw new Error('store down');
          }
          return true;
        },
        texts: async () => ({}),
        current: () => async () => ({ key: face, face: { kind: 'qr', n: face } }),
        follow: (_user, _session, poke) => {
          changed = poke;
          return () => (changed = undefined);
        },
        renew: async () => ({ ok: true }),
        recheckMs: 50,
        heartbeatMs: 100,
      },
    });
    try {
      const { stream } = await openLiveStream(server.url, 'demo', launchData(token, 42));
      await stream!.until((l) => l.type === 'face', 'the first face');
      // Ten pings: well past both timeouts (300 ms and 300 + 5000 ms would close a plain request sooner than the pings end).
      for (let i = 0; i < 10; i++) await stream!.until((l) => l.type === 'ping', `ping ${i + 1}`);
      expect(stream!.ended()).toBe(false);
      // The store stops answering: a new face is not sent, and the stream stays; once it answers, the face comes.
      access = 'unknown';
      face = 2;
      changed?.();
      // Three looks were made with the new face waiting (the poke and two rechecks): none of them sent it.
      await eventually(() => unknownLooks >= 3, 'three looks while the store does not answer');
      expect(stream!.lines.filter((l) => l.type === 'face')).toHaveLength(1);
      expect(stream!.ended()).toBe(false);
      access = 'yes';
      await stream!.until((l) => l.type === 'face', 'the new face once access is known again');
      stream!.close();
    } finally {
      await server.close();
    }
  });
});
