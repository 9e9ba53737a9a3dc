import { describe, expect, it } from 'vitest';
import { createLogger, createSecretScrubber } from '../src/shared/logger.js';

const TOKEN = '123456789:AAHsecretsecretsecretsecretsecret';
const KEY = 'k3y"with\\odd/chars+=';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('logger', () => {
  it('scrubs secrets from messages, error messages, stacks and nested objects', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'debug', secrets: [TOKEN, KEY], destination });
    const error = new Error(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`);
    logger.error({ err: error, url: `/bot${encodeURIComponent(TOKEN)}/sendPhoto`, headers: { authorization: `Bearer ${KEY}` } }, `token ${TOKEN}`);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain(encodeURIComponent(TOKEN));
    expect(line).not.toContain(JSON.stringify(KEY).slice(1, -1));
    expect(line).toContain('***');
    expect((JSON.parse(line) as { msg: string }).msg).toBe('token ***');
  });

  it('respects the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'warn', secrets: [], destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
  });

  it('leaves text without secrets alone and ignores very short secrets', () => {
    const scrub = createSecretScrubber(['abc', TOKEN]);
    expect(scrub('abc def')).toBe('abc def');
    expect(scrub(`x${TOKEN}y${TOKEN}`)).toBe('x***y***');
  });
});
