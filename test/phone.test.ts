import { describe, expect, it } from 'vitest';
import { maskPhone, parsePhone } from '../src/shared/phone.js';

describe('parsePhone', () => {
  it.each([
    ['+55 11 98765-4321', '5511987654321'],
    ['5511987654321', '5511987654321'],
    ['+1 (213) 213-2130', '12132132130'],
    ['+62.812.3456.7890', '6281234567890'],
  ])('%j -> %s', (text, digits) => {
    expect(parsePhone(text)).toBe(digits);
  });

  it.each(['', '1234567', '+55 11 9876x-4321', '0055119876543', '1234567890123456', '+', 'call me', '+55 11 98765-4321 ext 2'])(
    'refuses %j',
    (text) => {
      expect(parsePhone(text)).toBeUndefined();
    },
  );
});

describe('maskPhone', () => {
  it('keeps the country prefix and the last four digits only', () => {
    expect(maskPhone('5511987654321')).toBe('+55 •• ••••-4321');
    expect(maskPhone('+1 213 213 2130')).toBe('+12 •• ••••-2130');
    expect(maskPhone('123')).toBe('••••');
  });
});
