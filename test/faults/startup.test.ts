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
  await (await createStore(path)).close();
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

it('a PostgreSQL DATABASE_URL that does not answer: a message naming host and database, never the password, and a non-zero exit', async () => {
  const bot = spawnBot({ ...env(join(dir, 'unused.sqlite')), DATABASE_URL: 'postgres://bot:s3cret-Passw0rd@127.0.0.1:1/qrbot' });
  const code = await exitWithin(bot, 15_000);
  const { stderr, stdout } = output(bot);
  expect(code).toBe(1);
  expect(stderr).toContain('Could not open the PostgreSQL database 127.0.0.1:1/qrbot (ECONNREFUSED)');
  expect(stderr + stdout).not.toContain('s3cret-Passw0rd');
  expect(stderr).not.toMatch(/\n\s+at /);
});

it('a DATABASE_URL that is not PostgreSQL is refused at start in words', async () => {
  const bot = spawnBot({ ...env(join(dir, 'unused.sqlite')), DATABASE_URL: 'mysql://bot:pw@127.0.0.1/qrbot' });
  const code = await exitWithin(bot, 15_000);
  expect(code).toBe(1);
  expect(output(bot).stderr).toContain('DATABASE_URL must be a PostgreSQL URL, like postgres://user:password@host:5432/database');
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

/** A TCP server that accepts connections and never answers: a firewall that drops, or a hung proxy. */
async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

it('a Bot API that never answers: progress lines, then a clear exit within the limit', async () => {
  const hole = await blackHole();
  try {
    const started = Date.now();
    const bot = spawnBot({ ...env(join(dir, 'bot.sqlite')), TELEGRAM_API_ROOT: hole.url, TELEGRAM_CONNECT_TIMEOUT_MS: '3000' });
    const code = await exitWithin(bot, 20_000);
    const { stderr, stdout } = output(bot);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(stdout).toContain(`still trying to reach Telegram at ${hole.url}`);
    expect(stderr).toContain(`Could not reach the Telegram Bot API at ${hole.url} within 3 s`);
    expect(stderr).toContain('TELEGRAM_API_ROOT');
    expect(stderr + stdout).not.toContain(TOKEN);
  } finally {
    await hole.close();
  }
});

it('a refused connection to the Bot API (nothing listens) ends the same way, naming the reason', async () => {
  const bot = spawnBot({ ...env(join(dir, 'bot.sqlite')), TELEGRAM_CONNECT_TIMEOUT_MS: '2000' });
  const code = await exitWithin(bot, 20_000);
  const { stderr, stdout } = output(bot);
  expect(code).toBe(1);
  expect(stdout).toContain('ECONNREFUSED');
  expect(stderr).toContain('Could not reach the Telegram Bot API at http://127.0.0.1:9 within 2 s (ECONNREFUSED)');
});

it('without a .env file the config message says to copy .env.example; with one it says to fix it, and names a line that is not NAME=value', async () => {
  const { TELEGRAM_BOT_TOKEN: _token, ...rest } = env(join(dir, 'bot.sqlite'));
  const bare = spawnBot(rest, { cwd: dir });
  expect(await exitWithin(bare, 15_000)).toBe(1);
  expect(output(bare).stderr).toContain('There is no .env file here: copy .env.example to .env');

  await writeFile(join(dir, '.env'), '# settings\nLOG_LEVEL=warn\nthis line is broken\nADMIN_IDS="1001"\n');
  const withFile = spawnBot(rest, { cwd: dir });
  expect(await exitWithin(withFile, 15_000)).toBe(1);
  const { stderr } = output(withFile);
  expect(stderr).toContain('line 3 of .env is not NAME=value');
  expect(stderr).not.toContain('this line is broken');
  expect(stderr).toContain('Fix these in .env');
  expect(stderr).not.toContain('.env.example');
});

it('a wrong Wasend key stops the start with a message saying so; Wasend merely down starts anyway and says that', async () => {
  const { createFakeTelegram } = await import('../support/fake-telegram.js');
  const { createWasendSimulator } = await import('../../src/simulator/server.js');
  const tg = await createFakeTelegram();
  const sim = await createWasendSimulator({ apiKey: 'the-right-key-0123456789' });
  try {
    const base = { ...env(join(dir, 'bot.sqlite')), TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, LOG_LEVEL: 'info' };
    const wrong = spawnBot({ ...base, WASEND_BASE_URL: sim.url, WASEND_API_KEY: KEY });
    expect(await exitWithin(wrong, 20_000)).toBe(1);
    const refused = output(wrong);
    expect(refused.stderr).toContain(`Wasend at ${sim.url} refused WASEND_API_KEY (401)`);
    expect(refused.stderr + refused.stdout).not.toContain(KEY);

    const down = spawnBot({ ...base, WASEND_BASE_URL: 'http://127.0.0.1:9' });
    await tg.waitFor(() => down.stdout.join('').includes('bot started'), { timeoutMs: 20_000, description: 'the bot to start' });
    expect(down.stdout.join('')).toContain('Wasend at http://127.0.0.1:9 is not answering right now; starting anyway');
    down.child.kill('SIGTERM');
    expect(await exitWithin(down, 10_000)).toBe(0);
  } finally {
    await sim.close();
    await tg.close();
  }
});
