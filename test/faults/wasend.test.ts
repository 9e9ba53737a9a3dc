import { afterEach, describe, expect, it } from 'vitest';
import type { SimFault } from '../../src/simulator/server.js';
import { ADMIN, FAULT_WAIT_MS, brokenPhotos, isPlainText, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness | undefined;
afterEach(async () => {
  const harness = h;
  h = undefined;
  if (!harness) return;
  await harness.close();
  expect(harness.crashes, 'unhandled rejections or uncaught exceptions').toEqual([]);
});

/** The client gets 300 ms per attempt and one retry, so a fault has to hit two attempts in a row to reach the user. */
const WASEND = { timeoutMs: 300, maxRetries: 1 } as const;

interface FaultCase {
  readonly name: string;
  readonly fault: SimFault;
  /** Responses the fault must spoil for `/qr` to fail (every attempt of the failing call). */
  readonly openCount: number;
  readonly told: RegExp;
  /** Responses spoiled while a live message waits for the next code. */
  readonly liveCount: number;
}

const unreachable = /^Wasend is unreachable right now\. Try again in a minute\.$/;
const unreadable = /^Wasend sent an answer I could not read\. Try again in a minute\.$/;
const rateLimited = /^Wasend is rate limiting us\. Try again in a minute\.$/;

const cases: FaultCase[] = [
  { name: 'a burst of 5xx', fault: { kind: 'status', status: 503 }, openCount: 2, told: unreachable, liveCount: 4 },
  {
    name: 'a 502 with an HTML body',
    fault: { kind: 'status', status: 502, body: '<html>bad gateway</html>' },
    openCount: 2,
    told: unreachable,
    liveCount: 4,
  },
  { name: 'answers slower than the client timeout', fault: { kind: 'slow', delayMs: 800 }, openCount: 2, told: unreachable, liveCount: 3 },
  { name: 'connection resets', fault: { kind: 'reset' }, openCount: 2, told: unreachable, liveCount: 4 },
  // An answer that cannot be read is not retried by the client (retrying would not make it readable).
  { name: 'garbage instead of JSON', fault: { kind: 'garbage' }, openCount: 1, told: unreadable, liveCount: 4 },
  { name: 'a 20 MB body', fault: { kind: 'huge', bytes: 20 * 1024 * 1024 }, openCount: 1, told: unreadable, liveCount: 2 },
  { name: 'a 429 storm with Retry-After', fault: { kind: 'status', status: 429, retryAfter: '1' }, openCount: 2, told: rateLimited, liveCount: 2 },
  { name: 'a 429 storm without Retry-After', fault: { kind: 'status', status: 429 }, openCount: 2, told: rateLimited, liveCount: 2 },
];

const start = async () => {
  h = await startApp({
    waitMs: FAULT_WAIT_MS,
    sessions: [
      { id: 'demo', status: 'STOPPED' },
      { id: 'second', status: 'STOPPED' },
    ],
    wasend: WASEND,
  });
  return h;
};

describe('Wasend faults', () => {
  it.each(cases)('$name: the user is told plainly, the live message gets the next code, and /qr works again', async (c) => {
    const h = await start();
    const live = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, live, 'demo');

    const before = h.sim.requests.length;
    h.sim.injectFaults({ ...c.fault, path: '/sessions/second' }, c.openCount);
    const refused = await h.say(ADMIN, '/qr second');
    expect(refused.photo).toBeUndefined();
    expect(refused.text).toMatch(c.told);
    expect(h.sim.requests.slice(before).some((r) => r.path.startsWith('/sessions/second'))).toBe(true);

    const sentBefore = h.sim.requests.length;
    h.sim.injectFaults({ ...c.fault, path: '/sessions/demo' }, c.liveCount);
    h.rotate('demo');
    await untilShowsCurrentCode(h, live, 'demo', 12_000);
    // The faults did happen: the watcher looked (and failed) more times than the faults allowed to pass.
    expect(h.sim.requests.slice(sentBefore).filter((r) => r.path.startsWith('/sessions/demo')).length).toBeGreaterThan(c.liveCount);

    const again = await h.say(ADMIN, '/qr second');
    await untilShowsCurrentCode(h, again, 'second');
    expect(h.photos(ADMIN)).toHaveLength(2);
    expect(h.tg.messages(ADMIN).every((m) => m.photo !== undefined || isPlainText(m.text))).toBe(true);
    expect(await brokenPhotos(h.seenPhotos)).toEqual([]);
  });

  it.each([{ variant: 'truncated' as const }, { variant: 'not-image' as const }])(
    'a $variant QR image never becomes a broken photo: the user is told, the live message keeps its code, then moves on',
    async ({ variant }) => {
      const h = await start();
      const live = await h.say(ADMIN, '/qr demo');
      const first = await untilShowsCurrentCode(h, live, 'demo');

      h.sim.injectFaults({ kind: 'bad-image', variant, path: '/sessions/second' }, 1);
      const refused = await h.say(ADMIN, '/qr second');
      expect(refused.photo).toBeUndefined();
      expect(refused.text).toMatch(unreadable);

      h.sim.injectFaults({ kind: 'bad-image', variant, path: '/sessions/demo' }, 3);
      h.rotate('demo');
      const next = await untilShowsCurrentCode(h, live, 'demo', 12_000);
      expect(next).not.toBe(first);

      const again = await h.say(ADMIN, '/qr second');
      await untilShowsCurrentCode(h, again, 'second');
      expect(h.photos(ADMIN)).toHaveLength(2);
      expect(await brokenPhotos(h.seenPhotos)).toEqual([]);
    },
  );

  it('a session whose status flips on every look: no crash, no broken photo, plain answers, and /qr works once it settles', async () => {
    const cycle = ['STARTING', 'SCAN_QR_CODE', 'WORKING', 'SCAN_QR_CODE', 'FAILED', 'SCAN_QR_CODE', 'STOPPED'];
    let flipping = true;
    let looks = 0;
    const flipFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const path = new URL(input instanceof Request ? input.url : input).pathname;
      if (!flipping || (init?.method ?? 'GET') !== 'GET' || !path.startsWith('/sessions/flip')) return response;
      looks++;
      const json = { 'content-type': 'application/json' };
      if (path.endsWith('/qr')) {
        if (looks % 2 === 0) return response;
        await response.arrayBuffer();
        return new Response(JSON.stringify({ error: 'Session status is not as expected', status: 'STARTING' }), { status: 422, headers: json });
      }
      const body = (await response.json()) as Record<string, unknown>;
      return new Response(JSON.stringify({ ...body, status: cycle[looks % cycle.length] }), { status: response.status, headers: json });
    };
    h = await startApp({ waitMs: FAULT_WAIT_MS, sessions: [{ id: 'flip', status: 'SCAN_QR_CODE' }], wasend: WASEND, fetch: flipFetch });
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await h.say(ADMIN, '/qr flip'));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(looks).toBeGreaterThan(8);
    for (const answer of answers) expect(answer.photo !== undefined || isPlainText(answer.text), answer.text).toBe(true);

    flipping = false;
    const settled = await h.say(ADMIN, '/qr flip');
    await untilShowsCurrentCode(h, settled, 'flip');
    h.rotate('flip');
    await untilShowsCurrentCode(h, settled, 'flip');
    const showing = await h.store().liveMessages.listLive();
    expect(showing.map((m) => m.messageId)).toEqual([settled.messageId]);
    expect(await brokenPhotos(h.seenPhotos)).toEqual([]);
    expect(h.tg.messages(ADMIN).every((m) => m.photo !== undefined || isPlainText(m.text))).toBe(true);
  });
});
