import Database from 'better-sqlite3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createStore } from '../../src/store/sqlite.js';
import { exitWithin, spawnBot } from './process.js';

const TOKEN = '123456789:AAStartupTestTokenNotReal_0123';
const KEY = 'wasend-startup-key-0123456789';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'startup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Nothing listens on port 9 of loopback: the bot must fail before it needs the network. */
const env = (databasePath: string): Record<string, string> => ({
  TELEGRAM_BOT_TOKEN: TOKEN,
  TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
  WASEND_API_KEY: KEY,
  WASEND_BASE_URL: 'http://127.0.0.1:9',
  ADMIN_IDS: '1001',
  DATABASE_PATH: databasePath,
  LOG_LEVEL: 'warn',
});

const output = (bot: ReturnType<typeof spawnBot>) => ({ stderr: bot.stderr.join(''), stdout: bot.stdout.join('') });

it('a database locked by another connection: a clear message naming the file and a non-zero exit', async () => {
  const path = join(dir, 'bot.sqlite');
  createStore(path).close();
  const holder = new Database(path);
  holder.exec('BEGIN EXCLUSIVE');
  try {
    const bot = spawnBot(env(path));
    const code = await exitWithin(bot, 15_000);
    const { stderr, stdout } = output(bot);
    expect(code).toBe(1);
    expect(stderr).toContain(path);
    expect(stderr).toMatch(/locked by another process/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr + stdout).not.toContain(TOKEN);
    expect(stderr + stdout).not.toContain(KEY);
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
});

it('a corrupt database file: a clear message naming the file and a non-zero exit', async () => {
  const path = join(dir, 'bot.sqlite');
  await writeFile(path, Buffer.from('this is not a database at all, just garbage bytes '.repeat(200)));
  const bot = spawnBot(env(path));
  const code = await exitWithin(bot, 15_000);
  const { stderr } = output(bot);
  expect(code).toBe(1);
  expect(stderr).toContain(path);
  expect(stderr).toMatch(/not a valid SQLite database/);
  expect(stderr).not.toMatch(/\n\s+at /);
});

it('a missing variable: the config message names it, and nothing else is touched', async () => {
  const path = join(dir, 'bot.sqlite');
  const { WASEND_API_KEY: _dropped, ...rest } = env(path);
  const bot = spawnBot(rest);
  const code = await exitWithin(bot, 15_000);
  const { stderr } = output(bot);
  expect(code).toBe(1);
  expect(stderr).toMatch(/WASEND_API_KEY is missing/);
  expect(stderr).not.toMatch(/TELEGRAM_BOT_TOKEN|ADMIN_IDS/);
  expect(stderr).not.toContain(TOKEN);
});
