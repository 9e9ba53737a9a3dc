import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasendClient } from '../../src/wasend/client.js';
import { WasendInvalidResponseError, WasendNotFoundError, WasendNotReadyError } from '../../src/wasend/errors.js';
import type { NormalizedQr } from '../../src/wasend/types.js';
import { sendJson, startTestServer, type TestServer } from './test-server.js';

const PAIRING = '2@Kx1nY3Zb5cQ8rT0w,Bq9Vf2Lm7Hs4Jd6Pg1Xe,Zt8Ny5Wc3Ra0Ku2Mi9Ov,1';
const EXPIRES_MS = Date.UTC(2031, 4, 6, 7, 8, 9);

let server: TestServer;
let png: Buffer;
let jpeg: Buffer;
let webp: Buffer;
let gif: Buffer;

beforeAll(async () => {
  server = await startTestServer();
  png = await QRCode.toBuffer(PAIRING, { type: 'png', margin: 4 });
  jpeg = await sharp(png).jpeg().toBuffer();
  webp = await sharp(png).webp().toBuffer();
  gif = await sharp(png).gif().toBuffer();
});

afterAll(() => server.close());

const client = () => createWasendClient({ baseUrl: server.url, apiKey: 'qr-test-key', retryBaseDelayMs: 1 });

async function expectImage(qr: NormalizedQr, expected: Buffer, format: string) {
  expect(qr.payload.kind).toBe('image');
  if (qr.payload.kind !== 'image') return;
  expect(Buffer.isBuffer(qr.payload.bytes)).toBe(true);
  expect(qr.payload.bytes.equals(expected)).toBe(true);
  const metadata = await sharp(qr.payload.bytes).metadata();
  expect(metadata.format).toBe(format);
  expect(metadata.width).toBeGreaterThan(20);
}

const wrap = (text: string) => text.replace(/.{1,76}/g, '$&\n');

describe('getQr: every documented response shape', () => {
  const imageCases: Array<[string, () => { body: unknown } | { bytes: Buffer; type: string }, () => Buffer, string]> = [
    ['data-base64', () => ({ body: { data: png.toString('base64') } }), () => png, 'png'],
    ['data-url', () => ({ body: { data: `data:image/png;base64,${png.toString('base64')}` } }), () => png, 'png'],
    ['wrapped-base64', () => ({ body: { data: wrap(png.toString('base64')) } }), () => png, 'png'],
    ['mimetype-data-jpeg', () => ({ body: { mimetype: 'image/jpeg', data: jpeg.toString('base64') } }), () => jpeg, 'jpeg'],
    ['qrCode-webp', () => ({ body: { qrCode: webp.toString('base64') } }), () => webp, 'webp'],
    ['data-gif-url', () => ({ body: { data: `data:image/gif;base64,${gif.toString('base64')}` } }), () => gif, 'gif'],
    ['wrapped-in-data-object', () => ({ body: { data: { qrCode: png.toString('base64') } } }), () => png, 'png'],
    ['binary-png', () => ({ bytes: png, type: 'image/png' }), () => png, 'png'],
    ['binary-jpeg', () => ({ bytes: jpeg, type: 'image/jpeg' }), () => jpeg, 'jpeg'],
    ['binary-png-untyped', () => ({ bytes: png, type: 'application/octet-stream' }), () => png, 'png'],
  ];

  it.each(imageCases)('%s -> image bytes sharp can read', async (name, answer, expected, format) => {
    server.route('GET', `/sessions/${name}/qr`, (_req, res) => {
      const reply = answer();
      if ('bytes' in reply) res.writeHead(200, { 'content-type': reply.type }).end(reply.bytes);
      else sendJson(res, 200, reply.body);
    });
    const qr = await client().getQr(name);
    await expectImage(qr, expected(), format);
    expect(server.hits('GET', `/sessions/${name}/qr`)).toBe(1);
  });

  it.each([
    ['value-raw', { value: PAIRING }],
    ['data-raw', { data: PAIRING }],
    ['qrCode-raw', { qrCode: PAIRING }],
    ['mimetype-text', { mimetype: 'text/plain', data: PAIRING }],
    ['padded-raw', { value: `  ${PAIRING}\n` }],
  ])('%s -> the raw pairing string, exactly', async (name, body) => {
    server.route('GET', `/sessions/${name}/qr`, (_req, res) => sendJson(res, 200, body));
    const qr = await client().getQr(name);
    expect(qr.payload).toEqual({ kind: 'raw', value: PAIRING });
    expect(qr.expiresAt).toBeUndefined();
  });

  it.each([
    ['iso', new Date(EXPIRES_MS).toISOString()],
    ['epoch-s', EXPIRES_MS / 1000],
    ['epoch-ms', EXPIRES_MS],
    ['epoch-s-string', String(EXPIRES_MS / 1000)],
  ])('qrCode + expiresAt (%s) -> the same Date', async (name, expiresAt) => {
    server.route('GET', `/sessions/expires-${name}/qr`, (_req, res) => sendJson(res, 200, { qrCode: png.toString('base64'), expiresAt }));
    const qr = await client().getQr(`expires-${name}`);
    await expectImage(qr, png, 'png');
    expect(qr.expiresAt?.getTime()).toBe(EXPIRES_MS);
  });

  it('fingerprint: equal for a repeat, different after rotation and between image and raw', async () => {
    let code = PAIRING;
    server.route('GET', '/sessions/rotating/qr', (_req, res) => sendJson(res, 200, { value: code }));
    server.route('GET', '/sessions/as-image/qr', (_req, res) => sendJson(res, 200, { data: png.toString('base64') }));
    server.route('GET', '/sessions/as-binary/qr', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    const wasend = client();
    const first = await wasend.getQr('rotating');
    const repeat = await wasend.getQr('rotating');
    code = `${PAIRING}x`;
    const rotated = await wasend.getQr('rotating');
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(repeat.fingerprint).toBe(first.fingerprint);
    expect(rotated.fingerprint).not.toBe(first.fingerprint);
    const image = await wasend.getQr('as-image');
    const binary = await wasend.getQr('as-binary');
    expect(binary.fingerprint).toBe(image.fingerprint);
    expect(image.fingerprint).not.toBe(first.fingerprint);
  });

  it.each([
    ['empty-object', 'application/json', '{}', 'unusable_qr'],
    ['empty-string', 'application/json', '{"data":""}', 'unusable_qr'],
    ['image-mime-not-image', 'application/json', '{"mimetype":"image/png","data":"aGVsbG8gd29ybGQ="}', 'unusable_qr'],
    ['binary-not-image', 'image/png', 'definitely not a png', 'unusable_qr'],
    ['html', 'text/html', '<html>gateway error</html>', 'not_json'],
    ['huge-non-image-string', 'application/json', JSON.stringify({ data: 'A'.repeat(5000) }), 'unusable_qr'],
  ])('%s -> WasendInvalidResponseError (%s), not retried', async (name, type, body, reason) => {
    server.route('GET', `/sessions/${name}/qr`, (_req, res) => res.writeHead(200, { 'content-type': type }).end(body));
    const error = await client()
      .getQr(name)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasendInvalidResponseError);
    expect((error as WasendInvalidResponseError).reason).toBe(reason);
    expect(server.hits('GET', `/sessions/${name}/qr`)).toBe(1);
  });
});

describe('getQr: the two QR paths', () => {
  it('falls back to /auth/qr on a 404 and then goes there directly', async () => {
    server.route('GET', '/sessions/auth-only/auth/qr', (_req, res) => sendJson(res, 200, { value: PAIRING }));
    server.route('GET', '/sessions/auth-other/auth/qr', (_req, res) => sendJson(res, 200, { value: `${PAIRING}2` }));
    const wasend = client();
    expect((await wasend.getQr('auth-only')).payload).toEqual({ kind: 'raw', value: PAIRING });
    expect(server.hits('GET', '/sessions/auth-only/qr')).toBe(1);
    expect((await wasend.getQr('auth-only')).payload).toEqual({ kind: 'raw', value: PAIRING });
    expect((await wasend.getQr('auth-other')).payload).toEqual({ kind: 'raw', value: `${PAIRING}2` });
    expect(server.hits('GET', '/sessions/auth-only/qr')).toBe(1);
    expect(server.hits('GET', '/sessions/auth-other/qr')).toBe(0);
    expect(server.hits('GET', '/sessions/auth-only/auth/qr')).toBe(2);
  });

  it('remembers /qr: a later 404 there is "not found", /auth/qr is never tried', async () => {
    let gone = false;
    server.route('GET', '/sessions/qr-only/qr', (_req, res) =>
      gone ? sendJson(res, 404, { message: 'Session not found' }) : sendJson(res, 200, { value: PAIRING }),
    );
    const wasend = client();
    await wasend.getQr('qr-only');
    gone = true;
    const error = await wasend.getQr('qr-only').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasendNotFoundError);
    expect((error as WasendNotFoundError).message).toBe('Wasend GET /sessions/qr-only/qr: 404 Not Found (Session not found)');
    expect(server.hits('GET', '/sessions/qr-only/auth/qr')).toBe(0);
  });

  it('remembered /auth/qr answering 404 is "not found" without going back to /qr', async () => {
    let gone = false;
    server.route('GET', '/sessions/auth-gone/auth/qr', (_req, res) =>
      gone ? sendJson(res, 404, { error: 'no session' }) : sendJson(res, 200, { value: PAIRING }),
    );
    const wasend = client();
    await wasend.getQr('auth-gone');
    gone = true;
    await expect(wasend.getQr('auth-gone')).rejects.toBeInstanceOf(WasendNotFoundError);
    expect(server.hits('GET', '/sessions/auth-gone/qr')).toBe(1);
    expect(server.hits('GET', '/sessions/auth-gone/auth/qr')).toBe(2);
  });

  it('both paths 404 -> not found, each asked once, and nothing is remembered', async () => {
    const wasend = client();
    await expect(wasend.getQr('nowhere')).rejects.toBeInstanceOf(WasendNotFoundError);
    expect(server.hits('GET', '/sessions/nowhere/qr')).toBe(1);
    expect(server.hits('GET', '/sessions/nowhere/auth/qr')).toBe(1);
    server.route('GET', '/sessions/later/qr', (_req, res) => sendJson(res, 200, { value: PAIRING }));
    await wasend.getQr('later');
    expect(server.hits('GET', '/sessions/later/auth/qr')).toBe(0);
  });

  it('a Wasend deploy moves the route: a route-level 404 on the remembered path re-probes the other one and remembers it', async () => {
    let moved = false;
    server.route('GET', '/sessions/moving/qr', (_req, res) =>
      moved
        ? res.writeHead(404, { 'content-type': 'text/html' }).end('<!DOCTYPE html><pre>Cannot GET /sessions/moving/qr</pre>')
        : sendJson(res, 200, { value: PAIRING }),
    );
    server.route('GET', '/sessions/moving/auth/qr', (_req, res) => sendJson(res, 200, { value: `${PAIRING}9` }));
    server.route('GET', '/sessions/moved-too/auth/qr', (_req, res) => sendJson(res, 200, { value: PAIRING }));
    const wasend = client();
    await wasend.getQr('moving');
    moved = true;
    expect((await wasend.getQr('moving')).payload).toEqual({ kind: 'raw', value: `${PAIRING}9` });
    // The new path is remembered: the next session goes there directly.
    await wasend.getQr('moved-too');
    expect(server.hits('GET', '/sessions/moved-too/qr')).toBe(0);
  });

  it('a JSON "Cannot GET" from the router counts as a missing route too (NestJS, WAHA)', async () => {
    let moved = false;
    server.route('GET', '/sessions/nest/qr', (_req, res) =>
      moved
        ? sendJson(res, 404, { message: 'Cannot GET /sessions/nest/qr', error: 'Not Found', statusCode: 404 })
        : sendJson(res, 200, { value: PAIRING }),
    );
    server.route('GET', '/sessions/nest/auth/qr', (_req, res) => sendJson(res, 200, { value: PAIRING }));
    const wasend = client();
    await wasend.getQr('nest');
    moved = true;
    await expect(wasend.getQr('nest')).resolves.toMatchObject({ payload: { kind: 'raw' } });
    expect(server.hits('GET', '/sessions/nest/auth/qr')).toBe(1);
  });

  it('no QR route at all is an unusable answer, never "session not found"', async () => {
    const cannot = (path: string) => (_req: unknown, res: import('node:http').ServerResponse) =>
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`Cannot GET ${path}`);
    server.route('GET', '/sessions/routeless/qr', cannot('/sessions/routeless/qr'));
    server.route('GET', '/sessions/routeless/auth/qr', cannot('/sessions/routeless/auth/qr'));
    const error = await client()
      .getQr('routeless')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasendInvalidResponseError);
    expect(error).not.toBeInstanceOf(WasendNotFoundError);
    expect((error as WasendInvalidResponseError).reason).toBe('no_route');
  });

  it('a 422 on /qr is "not ready" (the route exists), with no fallback', async () => {
    server.route('GET', '/sessions/starting/qr', (_req, res) =>
      sendJson(res, 422, { error: 'Session status is not as expected', status: 'STARTING', expected: ['SCAN_QR_CODE'] }),
    );
    const error = await client()
      .getQr('starting')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasendNotReadyError);
    expect((error as WasendNotReadyError).serverMessage).toBe('Session status is not as expected');
    expect(server.hits('GET', '/sessions/starting/auth/qr')).toBe(0);
  });

  it('sends the session id as one percent-encoded path segment', async () => {
    const id = 'team+1@x?y#z%';
    const path = `/sessions/${encodeURIComponent(id)}/qr`;
    server.route('GET', path, (_req, res) => sendJson(res, 200, { value: PAIRING }));
    await client().getQr(id);
    expect(server.hits('GET', path)).toBe(1);
  });
});
