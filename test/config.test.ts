import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../src/config/config.js';

const TOKEN = '123456789:AAHsecretsecretsecretsecretsecret';
const KEY = 'wasend-live-key-abcdef123456';
const minimal = { TELEGRAM_BOT_TOKEN: TOKEN, WASEND_API_KEY: KEY, ADMIN_IDS: '111, 222' };

function problemsOf(env: Record<string, string | undefined>): ConfigError {
  try {
    createConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('createConfig', () => {
  it('fills every default from three required variables', () => {
    const config = createConfig(minimal);
    expect(config.telegram.token).toBe(TOKEN);
    expect(config.telegram.apiRoot).toBe('https://api.telegram.org');
    expect(config.telegram.protectContent).toBe(true);
    expect(config.telegram.webhook).toBeUndefined();
    expect(config.wasend.baseUrl).toBe('https://api.wasend.dev');
    expect(config.wasend.apiKey).toBe(KEY);
    expect(config.wasend.pollIntervalMs).toBe(2000);
    expect([...config.adminIds]).toEqual([111, 222]);
    expect(config.databasePath).toBe('./data/wasend-qr-bot.sqlite');
    expect(config.logLevel).toBe('info');
    expect(config.http.port).toBeUndefined();
    expect(config.inviteTtlMs).toBe(24 * 3_600_000);
  });

  it('reads optional values with their units and trims trailing slashes from URLs', () => {
    const config = createConfig({
      ...minimal,
      WASEND_BASE_URL: 'http://127.0.0.1:3100/',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      WASEND_POLL_INTERVAL_MS: '500',
      PROTECT_CONTENT: 'false',
      LOG_LEVEL: 'debug',
      HTTP_PORT: '8080',
      INVITE_TTL_HOURS: '2',
    });
    expect(config.wasend.baseUrl).toBe('http://127.0.0.1:3100');
    expect(config.telegram.apiRoot).toBe('http://127.0.0.1:8081');
    expect(config.wasend.pollIntervalMs).toBe(500);
    expect(config.telegram.protectContent).toBe(false);
    expect(config.logLevel).toBe('debug');
    expect(config.http.port).toBe(8080);
    expect(config.inviteTtlMs).toBe(2 * 3_600_000);
  });

  it('treats empty values copied from .env.example as unset', () => {
    const config = createConfig({ ...minimal, HTTP_PORT: '', WASEND_BASE_URL: '  ', TELEGRAM_WEBHOOK_URL: '' });
    expect(config.http.port).toBeUndefined();
    expect(config.wasend.baseUrl).toBe('https://api.wasend.dev');
  });

  it('names every missing variable in one message', () => {
    const error = problemsOf({});
    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/TELEGRAM_BOT_TOKEN is missing/);
    expect(error.message).toMatch(/WASEND_API_KEY is missing/);
    expect(error.message).toMatch(/ADMIN_IDS is missing/);
  });

  it('says what a number or a choice must be, in words, never in validator jargon', () => {
    const error = problemsOf({
      ...minimal,
      WASEND_POLL_INTERVAL_MS: 'abc',
      WASEND_TIMEOUT_MS: '1.5',
      WASEND_MAX_RPS: 'fast',
      QR_LIVE_PER_USER: '0',
      LOG_LEVEL: 'loud',
      PROTECT_CONTENT: 'maybe',
    });
    expect(error.problems).toEqual([
      'WASEND_POLL_INTERVAL_MS must be a whole number from 200 to 600000',
      'WASEND_TIMEOUT_MS must be a whole number from 100 to 120000',
      'WASEND_MAX_RPS must be a number from 0.1 to 1000',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      'PROTECT_CONTENT must be true or false',
      'QR_LIVE_PER_USER must be a whole number from 1 to 1000',
    ]);
    expect(error.message).not.toMatch(/expected|received|NaN|Invalid (option|input)/);
  });

  it('refuses a database under /proc, /sys or /dev (Node would spin on it)', () => {
    for (const path of ['/proc/self/db.sqlite', '/sys/x.sqlite', '/dev/shm/../null']) {
      expect(problemsOf({ ...minimal, DATABASE_PATH: path }).problems).toEqual([
        'DATABASE_PATH must be a file on a disk, not under /proc, /sys or /dev (e.g. ./data/wasend-qr-bot.sqlite)',
      ]);
    }
    expect(createConfig({ ...minimal, DATABASE_PATH: '/tmp/process/bot.sqlite' }).databasePath).toBe('/tmp/process/bot.sqlite');
  });

  it('rejects malformed values and says what to put there', () => {
    const error = problemsOf({
      ...minimal,
      ADMIN_IDS: '111,@bob',
      WASEND_POLL_INTERVAL_MS: 'soon',
      WASEND_BASE_URL: 'ftp://example.com',
      LOG_LEVEL: 'loud',
    });
    expect(error.message).toMatch(/ADMIN_IDS .*numeric Telegram user ids.*"@bob"/);
    expect(error.message).toMatch(/WASEND_POLL_INTERVAL_MS/);
    expect(error.message).toMatch(/WASEND_BASE_URL .*http\(s\) URL/);
    expect(error.message).toMatch(/LOG_LEVEL/);
    expect(error.problems).toHaveLength(4);
  });

  it('never prints the value of a malformed secret', () => {
    const badToken = 'not-a-token-but-secret-value-xyz';
    const badKey = 'key with spaces secret-value-abc';
    const error = problemsOf({ ...minimal, TELEGRAM_BOT_TOKEN: badToken, WASEND_API_KEY: badKey, WASEND_WEBHOOK_SECRET: 'short' });
    expect(error.message).toMatch(/TELEGRAM_BOT_TOKEN .*bot token/);
    expect(error.message).toMatch(/WASEND_API_KEY/);
    expect(error.message).toMatch(/WASEND_WEBHOOK_SECRET/);
    for (const secret of [badToken, badKey, 'short']) expect(error.message).not.toContain(secret);
  });

  it('needs both Telegram webhook variables and a port for webhook mode', () => {
    expect(problemsOf({ ...minimal, TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg' }).message).toMatch(
      /TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET must be set together/,
    );
    expect(
      problemsOf({ ...minimal, TELEGRAM_WEBHOOK_URL: 'http://bot.example.com/tg', TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(20), HTTP_PORT: '8080' })
        .message,
    ).toMatch(/https URL/);
    const config = createConfig({
      ...minimal,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg',
      TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(20),
      HTTP_PORT: '8080',
    });
    expect(config.telegram.webhook).toEqual({ url: 'https://bot.example.com/tg', secret: 'a'.repeat(20) });
  });

  it('ignores unknown variables', () => {
    expect(() => createConfig({ ...minimal, PATH: '/usr/bin', SOMETHING_ELSE: 'x' })).not.toThrow();
  });
});

describe('the gateway', () => {
  const base = { TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOP', ADMIN_IDS: '1' };
  it('GATEWAY=waha takes GATEWAY_URL and GATEWAY_API_KEY, and names them when missing', () => {
    const config = createConfig({
      ...base,
      GATEWAY: 'waha',
      GATEWAY_URL: 'http://localhost:3000/',
      GATEWAY_API_KEY: 'waha-key',
      GATEWAY_WEBHOOK_SECRET: 'a-webhook-secret-0123',
    });
    expect(config.gateway).toBe('waha');
    expect(config.wasend).toMatchObject({ baseUrl: 'http://localhost:3000', apiKey: 'waha-key', webhookSecret: 'a-webhook-secret-0123' });
    let error: unknown;
    try {
      createConfig({ ...base, GATEWAY: 'waha', WASEND_API_KEY: 'only-the-old-name' });
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).toMatch(/GATEWAY_API_KEY is missing: the key your WAHA runs with/);
    expect(String(error)).toMatch(/GATEWAY_URL is missing/);
  });

  it('an .env of the Wasend days works unchanged, and GATEWAY_* names work for Wasend too', () => {
    const old = createConfig({
      ...base,
      WASEND_API_KEY: 'k1',
      WASEND_BASE_URL: 'https://wasend.example',
      WASEND_WEBHOOK_SECRET: 'old-webhook-secret-0123',
    });
    expect(old.gateway).toBe('wasend');
    expect(old.wasend).toMatchObject({ baseUrl: 'https://wasend.example', apiKey: 'k1', webhookSecret: 'old-webhook-secret-0123' });
    const renamed = createConfig({ ...base, GATEWAY_API_KEY: 'k2' });
    expect(renamed.wasend).toMatchObject({ baseUrl: 'https://api.wasend.dev', apiKey: 'k2' });
  });
});
