import { describe, expect, it } from 'vitest';
import { parseExpiresAt, parseQrResponse } from '../../src/wasend/qr-response.js';

describe('parseExpiresAt', () => {
  const at = Date.UTC(2030, 0, 2, 3, 4, 5, 600);

  it.each([
    ['ISO with Z', new Date(at).toISOString(), at],
    ['ISO with offset', '2030-01-02T05:04:05.600+02:00', at],
    ['epoch ms', at, at],
    ['epoch s', at / 1000, at],
    ['epoch s as digits', String(at / 1000), at],
    ['epoch ms as digits', String(at), at],
  ])('%s', (_label, value, expected) => {
    expect(parseExpiresAt(value)?.getTime()).toBe(expected);
  });

  it.each([undefined, null, '', 'soon', 0, -5, Number.NaN, Number.POSITIVE_INFINITY, { at }, 1e300])('%j -> undefined', (value) => {
    expect(parseExpiresAt(value)).toBeUndefined();
  });
});

describe('parseQrResponse with a damaged image', () => {
  const json = (body: unknown) => Buffer.from(JSON.stringify(body));
  const notImage = Buffer.from('<html><body>this is not an image</body></html>').toString('base64');

  it('refuses base64 that is not an image instead of drawing it as a pairing string', () => {
    for (const body of [{ data: notImage }, { qrCode: notImage }, { value: notImage }, { data: { data: notImage } }]) {
      const result = parseQrResponse(json(body), 'application/json');
      expect(result.ok, JSON.stringify(body)).toBe(false);
    }
  });

  it('still takes a pairing string as one', () => {
    const pairing = '2@AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz,Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4,YmF6,1';
    const result = parseQrResponse(json({ data: pairing }), 'application/json');
    expect(result.ok && result.qr.payload).toEqual({ kind: 'raw', value: pairing });
  });
});
