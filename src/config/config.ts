import { GATEWAY_NAMES, type GatewayName } from '../wasend/gateways.js';
import { resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import type { Config } from './types.js';

export type { Config } from './types.js';

/**
 * Default of `WASEND_MAX_RPS`. A cap, not a rate: the bot asks for 1.1 + N/20 requests a second with N sessions being
 * linked, so 500 at once need 26, and the rest leaves room for people and for catching up after a burst of /qr.
 */
export const DEFAULT_MAX_RPS = 50;
/** Default of `WASEND_POLL_INTERVAL_MS`. */
export const DEFAULT_POLL_INTERVAL_MS = 2_000;

/** Thrown by {@link createConfig}; `message` names every bad variable and never holds a secret's value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Configuration is incomplete or invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** A whole number in [min, max]; every failure says so in words (never zod's "expected number, received NaN"). */
const integer = (min: number, max: number) => {
  const range = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: range }).refine((v) => Number.isInteger(v) && v >= min && v <= max, range);
};
const decimal = (min: number, max: number) => {
  const range = `must be a number from ${min} to ${max}`;
  return z.coerce.number({ error: range }).refine((v) => Number.isFinite(v) && v >= min && v <= max, range);
};
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v): v is T[number] => (values as readonly string[]).includes(v), `must be one of ${values.join(', ')}`)
    .transform((v) => v);
/** Kernel filesystems: Node's recursive mkdir spins on them, and nothing there keeps a database. */
const SPECIAL_FILESYSTEMS = ['/proc', '/sys', '/dev'];
const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));
const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), 'must be true or false')
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const apiKey = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]+$/, 'must be one word of printable characters');

const schema = z.object({
  TELEGRAM_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'is missing: the token BotFather gave you, like 123456:ABC-DEF...' })
      .trim()
      .regex(/^\d+:[\w-]{10,}$/, 'does not look like a bot token (expected 123456:ABC-DEF...)'),
  ),
  GATEWAY: optional(oneOf(GATEWAY_NAMES)),
  GATEWAY_API_KEY: optional(apiKey),
  WASEND_API_KEY: optional(apiKey),
  GATEWAY_URL: optional(httpUrl),
  ADMIN_IDS: z.preprocess(
    blankToUndefined,
    z.string({ error: 'is missing: comma-separated numeric Telegram user ids, like 123456789,987654321' }).transform((value, ctx) => {
      const parts = value
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      const bad = parts.filter((p) => !/^[1-9]\d{0,15}$/.test(p));
      if (parts.length === 0 || bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be comma-separated numeric Telegram user ids, like 123456789,987654321${
            bad.length > 0 ? ` (not a user id: ${bad.map((b) => JSON.stringify(b.slice(0, 20))).join(', ')})` : ''
          }`,
        });
        return z.NEVER;
      }
      return new Set(parts.map(Number));
    }),
  ),
  WASEND_BASE_URL: optional(httpUrl),
  TELEGRAM_API_ROOT: optional(httpUrl),
  DATABASE_PATH: optional(
    z
      .string()
      .trim()
      .refine(
        (value) => !SPECIAL_FILESYSTEMS.some((root) => resolvePath(value) === root || resolvePath(value).startsWith(`${root}/`)),
        'must be a file on a disk, not under /proc, /sys or /dev (e.g. ./data/wasend-qr-bot.sqlite)',
      ),
  ),
  DATABASE_URL: optional(
    z
      .string()
      .trim()
      .refine((value) => /^postgres(ql)?:\/\/\S+$/.test(value), 'must be a PostgreSQL URL, like postgres://user:password@host:5432/database'),
  ),
  INSTANCE_ID: optional(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, ., _ and -'),
  ),
  WASEND_POLL_INTERVAL_MS: optional(integer(200, 600_000)),
  WASEND_TIMEOUT_MS: optional(integer(100, 120_000)),
  WASEND_MAX_RETRIES: optional(integer(0, 10)),
  WASEND_MAX_RPS: optional(decimal(0.1, 1000)),
  WASEND_WEBHOOK_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  GATEWAY_WEBHOOK_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  LOG_LEVEL: optional(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const)),
  PROTECT_CONTENT: optional(boolean),
  INVITE_TTL_HOURS: optional(decimal(0.01, 24 * 365)),
  TELEGRAM_CONNECT_TIMEOUT_MS: optional(integer(1_000, 3_600_000)),
  QR_WATCH_TIMEOUT_MS: optional(integer(10_000, 3_600_000)),
  QR_RENDER_THREADS: optional(integer(0, 64)),
  QR_LIVE_PER_USER: optional(integer(1, 1_000)),
  USER_REQUESTS_PER_MINUTE: optional(integer(0, 10_000)),
  HEALTH_CHECK_INTERVAL_MS: optional(integer(5_000, 86_400_000)),
  HTTP_PORT: optional(integer(0, 65_535)),
  HTTP_HOST: optional(z.string().trim()),
  TELEGRAM_WEBHOOK_URL: optional(httpUrl),
  TELEGRAM_WEBHOOK_SECRET: optional(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')),
  METRICS_TOKEN: optional(z.string().trim().min(16, 'must be at least 16 characters (a scraper sends it as a Bearer token)')),
  PUBLIC_URL: optional(httpUrl),
  MINI_APP_MAX_AGE_S: optional(integer(60, 7 * 86_400)),
});

/** Default of `QR_RENDER_THREADS`: one worker draws QR images, off the main thread. */
export const DEFAULT_RENDER_THREADS = 1;

/** How long Telegram's launch data of the live view is accepted after it was signed, s. */
export const DEFAULT_MINI_APP_MAX_AGE_S = 3_600;

/**
 * Parses the environment once. Unknown variables are ignored; every bad or missing one is reported
 * together in one {@link ConfigError}.
 */
export function createConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  // The messages above are ours or zod's, and neither quotes the received value, so no secret leaks here.
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      const message =
        issue.message.startsWith('is ') || issue.message.startsWith('must ') || issue.message.startsWith('does ') ? issue.message : 'is not valid';
      problems.push(`${name} ${message}`);
    }
  }
  const values = parsed.success ? parsed.data : undefined;
  if (values && Boolean(values.TELEGRAM_WEBHOOK_URL) !== Boolean(values.TELEGRAM_WEBHOOK_SECRET)) {
    problems.push('TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET must be set together (or both left empty for long polling)');
  }
  // Telegram calls only https webhooks; a self-hosted Bot API server (TELEGRAM_API_ROOT) also calls http ones.
  if (values?.TELEGRAM_WEBHOOK_URL && !values.TELEGRAM_WEBHOOK_URL.startsWith('https://') && values.TELEGRAM_API_ROOT === undefined) {
    problems.push(
      'TELEGRAM_WEBHOOK_URL must be an https URL (Telegram only calls https webhooks; http needs your own Bot API server in TELEGRAM_API_ROOT)',
    );
  }
  if (values?.TELEGRAM_WEBHOOK_URL && values.HTTP_PORT === undefined) {
    problems.push('HTTP_PORT is missing: webhook mode needs the HTTP listener (set HTTP_PORT, e.g. 8080)');
  }
  // The Mini App is served by the listener; Telegram opens only https pages (http: your own Bot API server, as for webhooks).
  if (values?.PUBLIC_URL && !values.PUBLIC_URL.startsWith('https://') && values.TELEGRAM_API_ROOT === undefined) {
    problems.push('PUBLIC_URL must be an https URL (Telegram opens only https Mini Apps; http needs your own Bot API server in TELEGRAM_API_ROOT)');
  }
  if (values?.PUBLIC_URL && values.HTTP_PORT === undefined) {
    problems.push('HTTP_PORT is missing: the live view at PUBLIC_URL is served by the HTTP listener (set HTTP_PORT, e.g. 8080)');
  }
  // The gateway: GATEWAY_* names for every gateway; with Wasend the older WASEND_* names keep working.
  // Read from the raw environment too, so that a missing key is named together with every other problem.
  const given = (name: string) => (env[name]?.trim() ?? '') !== '';
  const gateway: GatewayName = values?.GATEWAY ?? (env['GATEWAY']?.trim().toLowerCase() === 'waha' ? 'waha' : 'wasend');
  const keyGiven = given('GATEWAY_API_KEY') || (gateway === 'wasend' && given('WASEND_API_KEY'));
  const urlGiven = gateway === 'wasend' || given('GATEWAY_URL');
  const key = values?.GATEWAY_API_KEY ?? (gateway === 'wasend' ? values?.WASEND_API_KEY : undefined);
  const baseUrl = values?.GATEWAY_URL ?? (gateway === 'wasend' ? (values?.WASEND_BASE_URL ?? 'https://api.wasend.dev') : undefined);
  if (!keyGiven) {
    problems.push(
      gateway === 'wasend'
        ? 'WASEND_API_KEY is missing: your Wasend API key (Dashboard -> API keys); GATEWAY_API_KEY works too'
        : 'GATEWAY_API_KEY is missing: the key your WAHA runs with (its WAHA_API_KEY; WAHA 2025.10+ prints a generated one in its log when none is set)',
    );
  }
  if (!urlGiven) problems.push(`GATEWAY_URL is missing: where your ${gateway === 'waha' ? 'WAHA' : gateway} answers, like http://localhost:3000`);
  if (problems.length > 0 || !values || key === undefined || baseUrl === undefined) throw new ConfigError(problems);
  const webhookSecret = values.GATEWAY_WEBHOOK_SECRET ?? values.WASEND_WEBHOOK_SECRET;

  return {
    telegram: {
      token: values.TELEGRAM_BOT_TOKEN,
      apiRoot: values.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
      protectContent: values.PROTECT_CONTENT ?? true,
      ...(values.TELEGRAM_CONNECT_TIMEOUT_MS !== undefined ? { connectTimeoutMs: values.TELEGRAM_CONNECT_TIMEOUT_MS } : {}),
      ...(values.TELEGRAM_WEBHOOK_URL && values.TELEGRAM_WEBHOOK_SECRET
        ? { webhook: { url: values.TELEGRAM_WEBHOOK_URL, secret: values.TELEGRAM_WEBHOOK_SECRET } }
        : {}),
    },
    gateway,
    wasend: {
      baseUrl,
      apiKey: key,
      timeoutMs: values.WASEND_TIMEOUT_MS ?? 15_000,
      maxRetries: values.WASEND_MAX_RETRIES ?? 3,
      pollIntervalMs: values.WASEND_POLL_INTERVAL_MS ?? DEFAULT_POLL_INTERVAL_MS,
      maxRps: values.WASEND_MAX_RPS ?? DEFAULT_MAX_RPS,
      ...(webhookSecret ? { webhookSecret } : {}),
    },
    adminIds: values.ADMIN_IDS,
    databasePath: values.DATABASE_PATH ?? './data/wasend-qr-bot.sqlite',
    ...(values.DATABASE_URL ? { databaseUrl: values.DATABASE_URL } : {}),
    ...(values.INSTANCE_ID ? { instanceId: values.INSTANCE_ID } : {}),
    logLevel: values.LOG_LEVEL ?? 'info',
    http: {
      ...(values.HTTP_PORT !== undefined ? { port: values.HTTP_PORT } : {}),
      host: values.HTTP_HOST ?? '0.0.0.0',
      ...(values.METRICS_TOKEN ? { metricsToken: values.METRICS_TOKEN } : {}),
      ...(values.PUBLIC_URL ? { publicUrl: values.PUBLIC_URL.replace(/\/+$/, '') } : {}),
      miniAppMaxAgeS: values.MINI_APP_MAX_AGE_S ?? DEFAULT_MINI_APP_MAX_AGE_S,
    },
    inviteTtlMs: Math.round((values.INVITE_TTL_HOURS ?? 24) * 3_600_000),
    qrWatchTimeoutMs: values.QR_WATCH_TIMEOUT_MS ?? 600_000,
    renderThreads: values.QR_RENDER_THREADS ?? DEFAULT_RENDER_THREADS,
    livePerUser: values.QR_LIVE_PER_USER ?? 10,
    requestsPerMinute: values.USER_REQUESTS_PER_MINUTE ?? 20,
    healthCheckIntervalMs: values.HEALTH_CHECK_INTERVAL_MS ?? 180_000,
  };
}
