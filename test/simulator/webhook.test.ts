import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWasendSimulator } from '../../src/simulator/server.js';
import type { WasendSimulator } from '../../src/simulator/server.js';
import { eventually } from '../support/wait.js';

interface Received {
  readonly raw: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: { id: string; timestamp: number; event: string; session: string; payload: Record<string, unknown> };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function startReceiver(): Promise<{ url: string; events: Received[] }> {
  const events: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      events.push({ raw, headers: req.headers, body: JSON.parse(raw) as Received['body'] });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, events };
}

async function open(options: Parameters<typeof createWasendSimulator>[0]): Promise<WasendSimulator> {
  const sim = await createWasendSimulator(options);
  closers.push(() => sim.close());
  return sim;
}

describe('webhook session.status events', () => {
  it('posts every transition in the current shape, signed with HMAC-SHA512 of the raw body', async () => {
    const receiver = await startReceiver();
    const secret = 'hook-secret';
    const sim = await open({
      apiKey: 'k',
      speed: 200,
      webhook: { url: receiver.url, secret },
      sessions: [{ id: 'w', status: 'STOPPED' }],
    });
    await fetch(`${sim.url}/sessions/w/start`, { method: 'POST', headers: { authorization: 'Bearer k' } });
    await eventually(() => receiver.events.length >= 2, 'STARTING and SCAN_QR_CODE events');
    sim.scan('w');
    await eventually(() => receiver.events.length >= 3, 'the WORKING event');

    expect(receiver.events.map((event) => event.body.payload)).toEqual([
      { status: 'STARTING', data: null },
      { status: 'SCAN_QR_CODE', data: null },
      { status: 'WORKING', data: null },
    ]);
    for (const { raw, headers, body } of receiver.events) {
      expect(body).toMatchObject({ event: 'session.status', session: 'w', id: expect.any(String) });
      expect(Math.abs(body.timestamp - Date.now())).toBeLessThan(60_000);
      expect(headers['x-webhook-hmac-algorithm']).toBe('sha512');
      expect(headers['x-webhook-hmac']).toBe(createHmac('sha512', secret).update(raw).digest('hex'));
    }
    expect(new Set(receiver.events.map((event) => event.body.id)).size).toBe(3);
  });

  it('uses the legacy payload { name, status } and no signature without a secret, through to FAILED', async () => {
    const receiver = await startReceiver();
    const sim = await open({
      apiKey: 'k',
      speed: 400,
      webhook: { url: receiver.url, shape: 'legacy' },
      sessions: [{ id: 'old', status: 'STARTING' }],
    });
    await eventually(() => receiver.events.length >= 2, 'SCAN_QR_CODE and FAILED events');
    expect(sim.state('old')?.status).toBe('FAILED');
    expect(receiver.events.map((event) => event.body.payload)).toEqual([
      { name: 'old', status: 'SCAN_QR_CODE' },
      { name: 'old', status: 'FAILED' },
    ]);
    expect(receiver.events[0]?.headers['x-webhook-hmac']).toBeUndefined();
  });

  it('keeps serving when the webhook cannot be delivered', async () => {
    const receiver = await startReceiver();
    const deadUrl = receiver.url;
    await Promise.all(closers.splice(0).map((close) => close()));
    const sim = await open({ apiKey: 'k', webhook: { url: deadUrl }, sessions: [{ id: 'd', status: 'SCAN_QR_CODE' }] });
    sim.scan('d');
    sim.logout('d');
    const response = await fetch(`${sim.url}/sessions/d`, { headers: { authorization: 'Bearer k' } });
    expect(await response.json()).toMatchObject({ status: 'STOPPED' });
  });
});
