import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Telegram Mini App launch data ("init data"), validated as Telegram specifies: the `hash` field is the hex
 * HMAC-SHA256 of the other fields (sorted by key, `key=value`, joined by newlines), keyed with
 * HMAC-SHA256("WebAppData", bot token). The raw string is a secret of the person's: never log it.
 * https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app
 */
export interface InitDataUser {
  readonly id: number;
  /** IETF language tag of the user's Telegram client, when it sent one. */
  readonly languageCode?: string;
}

export type InitDataVerdict =
  | { readonly ok: true; readonly user: InitDataUser; readonly authDate: number }
  /** `malformed`: not init data at all; `forged`: the hash does not match; `stale`: signed too long ago (or in the future). */
  | { readonly ok: false; readonly reason: 'malformed' | 'forged' | 'stale' };

/** Init data is a few hundred bytes; anything much longer is not Telegram's. */
const MAX_INIT_DATA_LENGTH = 8 * 1024;
/** A client clock a little ahead of ours is not an attack. */
const FUTURE_SKEW_S = 60;

/** The key every hash of this bot's init data is made with. */
export function initDataKey(botToken: string): Buffer {
  return createHmac('sha256', 'WebAppData').update(botToken).digest();
}

/** `hash` for the given fields (what Telegram signs); used by tests to make launch data as Telegram would. */
export function signInitData(fields: Readonly<Record<string, string>>, key: Buffer): string {
  const check = Object.keys(fields)
    .filter((name) => name !== 'hash')
    .sort()
    .map((name) => `${name}=${fields[name]}`)
    .join('\n');
  return createHmac('sha256', key).update(check).digest('hex');
}

/** Checks `raw` (the `tgWebAppData` string as the client has it) against the bot's key, at `nowMs`, allowing `maxAgeS`. */
export function verifyInitData(raw: string, key: Buffer, maxAgeS: number, nowMs: number): InitDataVerdict {
  if (raw.length === 0 || raw.length > MAX_INIT_DATA_LENGTH) return { ok: false, reason: 'malformed' };
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (name in fields) return { ok: false, reason: 'malformed' };
    fields[name] = value;
  }
  const given = fields['hash'];
  if (given === undefined || !/^[0-9a-f]{64}$/.test(given)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(signInitData(fields, key), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return { ok: false, reason: 'forged' };
  const authDate = Number(fields['auth_date']);
  if (!Number.isSafeInteger(authDate) || authDate <= 0) return { ok: false, reason: 'malformed' };
  const ageS = nowMs / 1000 - authDate;
  if (ageS > maxAgeS || ageS < -FUTURE_SKEW_S) return { ok: false, reason: 'stale' };
  const user = parseUser(fields['user']);
  return user === undefined ? { ok: false, reason: 'malformed' } : { ok: true, user, authDate };
}

function parseUser(json: string | undefined): InitDataUser | undefined {
  if (json === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, language_code: language } = value as { id?: unknown; language_code?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return undefined;
  return typeof language === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language) ? { id, languageCode: language } : { id };
}
