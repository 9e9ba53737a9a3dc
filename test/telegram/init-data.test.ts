import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../../src/config/config.js';
import { initDataKey, signInitData, verifyInitData } from '../../src/telegram/init-data.js';

const TOKEN = '123456789:AAHsecretsecretsecretsecretsecret';
const KEY = initDataKey(TOKEN);
const NOW = 1_796_650_000_000;
const authDate = (agoS: number) => String(Math.floor(NOW / 1000) - agoS);

function signed(fields: Record<string, string>, key = KEY): string {
  return new URLSearchParams({ ...fields, hash: signInitData(fields, key) }).toString();
}
const user = JSON.stringify({ id: 42, first_name: 'Ana', language_code: 'pt-BR' });

describe('Mini App launch data', () => {
  it('accepts what Telegram signed with this bot token, and reads the user from it', () => {
    expect(verifyInitData(signed({ user, auth_date: authDate(10), query_id: 'q' }), KEY, 3600, NOW)).toEqual({
      ok: true,
      user: { id: 42, languageCode: 'pt-BR' },
      authDate: Number(authDate(10)),
    });
  });

  it('refuses a hash made with another token, a field changed after signing, and a hash that is not one', () => {
    expect(verifyInitData(signed({ user, auth_date: authDate(10) }, initDataKey(`${TOKEN}x`)), KEY, 3600, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
    const tampered = signed({ user, auth_date: authDate(10) }).replace('%22id%22%3A42', '%22id%22%3A43');
    expect(verifyInitData(tampered, KEY, 3600, NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyInitData(`user=${encodeURIComponent(user)}&auth_date=${authDate(1)}&hash=zz`, KEY, 3600, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyInitData('', KEY, 3600, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyInitData('x'.repeat(9_000), KEY, 3600, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses data signed longer ago than the limit, or far in the future', () => {
    expect(verifyInitData(signed({ user, auth_date: authDate(3601) }), KEY, 3600, NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyInitData(signed({ user, auth_date: authDate(-600) }), KEY, 3600, NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyInitData(signed({ user, auth_date: authDate(3599) }), KEY, 3600, NOW).ok).toBe(true);
  });

  it('refuses signed data without a usable user, or with a field twice', () => {
    expect(verifyInitData(signed({ auth_date: authDate(1) }), KEY, 3600, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyInitData(signed({ user: '{"id":"42"}', auth_date: authDate(1) }), KEY, 3600, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyInitData(`${signed({ user, auth_date: authDate(1) })}&auth_date=1`, KEY, 3600, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('PUBLIC_URL must be https (http only with your own Bot API server) and needs the listener', () => {
    const base = { TELEGRAM_BOT_TOKEN: TOKEN, WASEND_API_KEY: 'wasend-live-key-abcdef123456', ADMIN_IDS: '1' };
    const problems = (env: Record<string, string>) => {
      try {
        createConfig(env);
        return [];
      } catch (error) {
        return error instanceof ConfigError ? error.problems : [];
      }
    };
    expect(problems({ ...base, PUBLIC_URL: 'http://bot.example.com', HTTP_PORT: '8080' })).toEqual([
      expect.stringMatching(/^PUBLIC_URL must be an https URL/),
    ]);
    expect(problems({ ...base, PUBLIC_URL: 'https://bot.example.com' })).toEqual([expect.stringMatching(/^HTTP_PORT is missing: the live view/)]);
    const config = createConfig({ ...base, PUBLIC_URL: 'https://bot.example.com/', HTTP_PORT: '8080', MINI_APP_MAX_AGE_S: '600' });
    expect(config.http.publicUrl).toBe('https://bot.example.com');
    expect(config.http.miniAppMaxAgeS).toBe(600);
    expect(
      createConfig({ ...base, PUBLIC_URL: 'http://127.0.0.1:8080', HTTP_PORT: '8080', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' }).http.publicUrl,
    ).toBe('http://127.0.0.1:8080');
  });
});
