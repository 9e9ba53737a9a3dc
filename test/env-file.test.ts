import { describe, expect, it } from 'vitest';
import { lintEnvText } from '../src/env-file.js';

describe('lintEnvText', () => {
  it('names each line that is not NAME=value by number, never by its text', () => {
    const text = ['# comment', '', 'A=1', 'export B = two', 'TELEGRAM_BOT_TOKEN 123:abc', 'C="multi', 'line value"', '=nothing', 'D=ok'].join('\n');
    expect(lintEnvText(text)).toEqual(['line 5 of .env is not NAME=value, so it is ignored', 'line 8 of .env is not NAME=value, so it is ignored']);
  });

  it('accepts a clean file, with Windows line ends too', () => {
    expect(lintEnvText('A=1\r\n# x\r\nB=\r\n')).toEqual([]);
  });
});
