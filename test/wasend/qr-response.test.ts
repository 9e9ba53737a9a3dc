import { describe, expect, it } from 'vitest';
import { parseExpiresAt } from '../../src/wasend/qr-response.js';

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

  it.each([undefined, null, '', 'soon', 0, -5, Number.NaN, Number.POSITIVE_INFINITY, { at }, 1e300])(
    '%j -> undefined',
    (value) => {
      expect(parseExpiresAt(value)).toBeUndefined();
    },
  );
});
