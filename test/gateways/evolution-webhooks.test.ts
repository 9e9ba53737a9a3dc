import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isValidEvolutionJwt } from '../../src/http/evolution-webhook.js';
import { evolutionJwt } from '../../src/simulator/webhook.js';
import { ADMIN, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

/* Evolution's webhooks: an HS256 JWT (its jwt_key) or the path secret; no HMAC, no event id. */

const SECRET = 'evolution-jwt-key-0123456789';
let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const post = (url: string, body: object, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const connection = (instance: string, state: string) => ({ event: 'connection.update', instance, data: { instance, state, statusReason: 200 } });
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('webhooks from Evolution API', () => {
  it('a JWT signed with another key, an expired one, or one that names alg none is refused; a good one and the path secret are taken', async () => {
    const now = Date.now();
    expect(isValidEvolutionJwt(evolutionJwt(SECRET, now), SECRET, now)).toBe(true);
    expect(isValidEvolutionJwt(evolutionJwt('another-key-0123456789', now), SECRET, now)).toBe(false);
    expect(isValidEvolutionJwt(evolutionJwt(SECRET, now - 11 * 60_000), SECRET, now)).toBe(false);
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part({ exp: Math.floor(now / 1000) + 600 })}.`;
    expect(isValidEvolutionJwt(unsigned, SECRET, now)).toBe(false);
    const wrongAlg = `${part({ alg: 'HS512' })}.${part({ exp: Math.floor(now / 1000) + 600 })}`;
    expect(isValidEvolutionJwt(`${wrongAlg}.${createHmac('sha256', SECRET).update(wrongAlg).digest('base64url')}`, SECRET, now)).toBe(false);

    h = await startApp({ gateway: 'evolution', sessions: [{ id: 'loja', status: 'WORKING' }], listener: { wasendSecret: SECRET } });
    const hook = `${h.url}/webhooks/evolution`;
    expect((await post(hook, connection('loja', 'open'))).status).toBe(401);
    expect((await post(hook, connection('loja', 'open'), { authorization: `Bearer ${evolutionJwt('another-key-0123456789')}` })).status).toBe(401);
    expect((await post(hook, connection('loja', 'open'), { authorization: `Bearer ${evolutionJwt(SECRET, Date.now() - 11 * 60_000)}` })).status).toBe(
      401,
    );
    expect((await post(hook, connection('loja', 'open'), { authorization: `Bearer ${evolutionJwt(SECRET)}` })).status).toBe(200);
    expect((await post(`${hook}/${SECRET}`, connection('loja', 'open'))).status).toBe(200);
    expect(h.logs.join('\n')).not.toContain(SECRET);
  });

  it('QRCODE_UPDATED at every code (signed with the JWT) drives the rotation edit; the QR shown comes from a look', async () => {
    h = await startApp({
      gateway: 'evolution',
      sessions: [{ id: 'loja', status: 'STOPPED' }],
      listener: { wasendSecret: SECRET },
      wasend: { pollIntervalMs: 60_000 },
      speed: 1,
    });
    const harness = h;
    const reply = await harness.say(ADMIN, '/qr loja');
    const first = await untilShowsCurrentCode(harness, reply, 'loja');
    const shownAt = Date.now();
    await harness.until(() => Date.now() - shownAt > 1_100, 'the events of the series start to be a second old');
    harness.sim.rotate('loja');
    const rotatedAt = Date.now();
    expect(await untilShowsCurrentCode(harness, reply, 'loja', 5_000)).not.toBe(first);
    console.log(`evolution QRCODE_UPDATED -> rotation edit in ${Date.now() - rotatedAt} ms`);
    expect(Date.now() - rotatedAt).toBeLessThan(3_000);
  });

  it('a signed "open" while Evolution still says connecting shows no Connected, even sent twenty times', async () => {
    h = await startApp({ gateway: 'evolution', sessions: [{ id: 'loja', status: 'STOPPED' }], listener: { wasendSecret: SECRET }, speed: 1 });
    const harness = h;
    const reply = await harness.say(ADMIN, '/qr loja');
    const first = await untilShowsCurrentCode(harness, reply, 'loja');
    const jwt = `Bearer ${evolutionJwt(SECRET)}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(`${harness.url}/webhooks/evolution`, connection('loja', 'open'), { authorization: jwt })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    harness.rotate('loja');
    expect(await untilShowsCurrentCode(harness, reply, 'loja')).not.toBe(first);
    expect(reply.caption).not.toMatch(/Connected/);
  });
});
