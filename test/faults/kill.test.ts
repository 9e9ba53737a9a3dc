import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWasendSimulator, type WasendSimulator } from '../../src/simulator/server.js';
import { createStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { createFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { createRandom, exitWithin, spawnBot, type BotProcess } from './process.js';
import { eventually } from '../support/wait.js';

const KILLS = 20;
const ADMIN = 1001;
const SESSIONS = ['k1', 'k2', 'k3'];
const API_KEY = 'kill-loop-key-0123456789';
/**
 * A photo Telegram answered this soon before a kill may never have reached the store: the answer was still on
 * its way, or the process had not run the next line yet. No bot can know the id of such a message. Two seconds,
 * not one: on a loaded 2-core machine the bot's event loop was seen to lag over a second behind the answer.
 */
const KILL_WINDOW_MS = 2_000;

let sim: WasendSimulator;
let tg: FakeTelegram;
let dir: string;
const crashes: unknown[] = [];
const onCrash = (reason: unknown) => void crashes.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onCrash);
  dir = await mkdtemp(join(tmpdir(), 'kill-loop-'));
  sim = await createWasendSimulator({
    apiKey: API_KEY,
    speed: 10,
    startingMs: 1_000,
    sessions: SESSIONS.map((id) => ({ id, status: 'STOPPED' as const })),
  });
  tg = await createFakeTelegram({ token: '123456789:AAKillLoopTokenNotReal_0123' });
});

afterAll(async () => {
  await tg?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
  process.off('unhandledRejection', onCrash);
});

const dbPath = () => join(dir, 'bot.sqlite');
const env = () => ({
  TELEGRAM_BOT_TOKEN: tg.token,
  TELEGRAM_API_ROOT: tg.apiRoot,
  WASEND_BASE_URL: sim.url,
  WASEND_API_KEY: API_KEY,
  WASEND_POLL_INTERVAL_MS: '200',
  WASEND_TIMEOUT_MS: '2000',
  ADMIN_IDS: String(ADMIN),
  DATABASE_PATH: dbPath(),
  LOG_LEVEL: 'warn',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilReady(bot: BotProcess, readyCalls: number): Promise<void> {
  const exited = bot.exited.then((code) => {
    throw new Error(`the bot exited (${code}) before it was ready:\n${bot.stderr.join('')}${bot.stdout.join('').slice(-2_000)}`);
  });
  await Promise.race([
    tg.waitFor(() => tg.callsTo('deleteWebhook').length > readyCalls, { timeoutMs: 15_000, description: 'the bot to start polling' }),
    exited,
  ]);
  exited.catch(() => undefined);
}

it(`survives ${KILLS} kill -9 during the QR, grant and invite flows without losing or duplicating anything`, async () => {
  const seed = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);
  const random = createRandom(seed);
  const context = `kill loop seed ${seed} (replay with KILL_SEED=${seed})`;
  const kills: number[] = [];
  const stderr: string[] = [];
  const users: number[] = [];
  /** Invite tokens the admin received, with the user ids that tried each. */
  const attempts = new Map<string, number[]>();
  let nextUser = 5_000;
  /** When the fake Telegram answered each photo message (checks run right before every answer). */
  const answeredAt = new Map<string, number>();
  let recording = true;
  const recorder = tg
    .waitFor(
      () => {
        for (const chatId of [ADMIN, ...users]) {
          for (const m of tg.messages(chatId)) {
            const key = `${chatId}:${m.messageId}`;
            if (m.photo !== undefined && !answeredAt.has(key)) answeredAt.set(key, Date.now());
          }
        }
        return !recording;
      },
      { timeoutMs: 110_000, description: 'photo recorder' },
    )
    .catch(() => undefined);

  const grantedUsers = async (store?: Store) => {
    if (store === undefined) return [];
    const granted = new Set((await store.grants.list()).map((g) => g.userId));
    return users.filter((u) => granted.has(u));
  };
  const inviteTokens = () => {
    const tokens = new Map<string, string>();
    for (const m of tg.messages(ADMIN)) {
      const match = /^Invite for (\S+),[^]*start=([A-Za-z0-9_-]+)/.exec(m.text ?? '');
      if (match?.[1] && match[2]) tokens.set(match[2], match[1]);
    }
    return tokens;
  };

  const traffic = async (store: Store | undefined) => {
    const actions = random.int(2, 4);
    for (let i = 0; i < actions; i++) {
      const session = random.pick(SESSIONS);
      const roll = random.next();
      if (roll < 0.35) {
        tg.sendText({ userId: ADMIN, text: `/qr ${session}` });
      } else if (roll < 0.5) {
        const user = nextUser++;
        users.push(user);
        tg.sendText({ userId: ADMIN, text: `/grant ${user} ${session}` });
      } else if (roll < 0.65) {
        tg.sendText({ userId: ADMIN, text: `/invite ${session}` });
      } else if (roll < 0.85) {
        const open = [...inviteTokens().keys()].filter((t) => (attempts.get(t)?.length ?? 0) < 2);
        const token = open.length > 0 ? random.pick(open) : undefined;
        if (token === undefined) continue;
        const user = nextUser++;
        users.push(user);
        attempts.set(token, [...(attempts.get(token) ?? []), user]);
        tg.sendText({ userId: user, text: `/start ${token}` });
      } else {
        const granted = await grantedUsers(store);
        const user = granted.length > 0 ? random.pick(granted) : ADMIN;
        tg.sendText({ userId: user, text: `/qr${user === ADMIN ? ` ${session}` : ''}` });
      }
    }
  };

  const readStore = async () => {
    try {
      return await createStore(dbPath());
    } catch {
      return undefined;
    }
  };

  const loopStart = Date.now();
  for (let round = 0; round < KILLS; round++) {
    const readyCalls = tg.callsTo('deleteWebhook').length;
    const duringStart = round % 4 === 3;
    const store = await readStore();
    if (duringStart) await traffic(store);
    const bot = spawnBot(env());
    if (!duringStart) {
      await untilReady(bot, readyCalls);
      await traffic(store);
    }
    if (round % 5 === 1) {
      // At least one /qr is seen through to its photo before a kill, however slow the machine: the checks below
      // then always have a live message to look at, not only when a random kill happened to leave time for one.
      const photos = tg.messages(ADMIN).filter((m) => m.photo !== undefined).length;
      tg.sendText({ userId: ADMIN, text: `/qr ${random.pick(SESSIONS)}` });
      await tg.waitFor(() => tg.messages(ADMIN).filter((m) => m.photo !== undefined).length > photos, {
        timeoutMs: 20_000,
        description: 'a QR photo before the kill',
      });
    }
    await store?.close();
    await sleep(random.int(50, 400) + (duringStart ? 700 : 0));
    kills.push(Date.now());
    bot.child.kill('SIGKILL');
    await bot.exited;
    stderr.push(bot.stderr.join(''));
  }

  const loopMs = Date.now() - loopStart;
  // The last start: it must open the database, resume every live message and bring it up to date.
  const readyCalls = tg.callsTo('deleteWebhook').length;
  const last = spawnBot(env());
  await untilReady(last, readyCalls);
  for (const session of SESSIONS) {
    try {
      sim.rotate(session);
    } catch {
      // No series running: messages of this session must end up saying so, not showing a code.
    }
  }

  const store = await createStore(dbPath());
  try {
    const chats = [ADMIN, ...users];
    const photoMessages = () => chats.flatMap((chatId) => tg.messages(chatId).filter((m) => m.photo !== undefined && !m.deleted));
    let untracked = 0;
    const problems = async (): Promise<string[]> => {
      const found: string[] = [];
      untracked = 0;
      for (const m of photoMessages()) {
        const row = await store.liveMessages.get(m.chatId, m.messageId);
        const shown = await decodeQrPng(m.photo as Buffer);
        const where = `chat ${m.chatId} message ${m.messageId}`;
        if (row === undefined) {
          // Killed while Telegram was carrying out the sendPhoto, or just after it answered.
          const arrivedAt = m.history[0]?.at ?? 0;
          const answered = answeredAt.get(`${m.chatId}:${m.messageId}`) ?? arrivedAt;
          if (kills.some((k) => k >= arrivedAt && k <= answered + KILL_WINDOW_MS)) {
            untracked++;
          } else {
            const gaps = kills.map((k) => k - answered).filter((g) => g > -2_000 && g < 5_000);
            found.push(`${where}: a photo the store never heard of (kills ${gaps.join(', ')} ms after Telegram answered)`);
          }
          continue;
        }
        if (row.state === 'showing') {
          const current = sim.state(row.sessionId)?.code ?? null;
          if (current === null || shown !== current) found.push(`${where}: live but shows ${shown === null ? 'no code' : 'an old code'}`);
        } else if (shown !== null) {
          found.push(`${where}: ${row.state} but still shows a scannable code`);
        }
      }
      return found;
    };
    // WhatsApp's clock stops for the check: with codes rotating every 2 s on several sessions, an instant where
    // every message has caught up may never come on a slow machine, though each one always catches up.
    sim.pauseClock();
    let lastProblems: string[] = [];
    const deadline = Date.now() + 15_000;
    do {
      // A session caught starting when the clock stopped has no code yet: let WhatsApp's clock run until it shows one.
      if (SESSIONS.some((id) => sim.state(id)?.wahaStatus === 'STARTING')) {
        sim.resumeClock();
        await eventually(() => !SESSIONS.some((id) => sim.state(id)?.wahaStatus === 'STARTING'), 'every session past STARTING', 10_000);
        sim.pauseClock();
      }
      lastProblems = await problems();
      if (lastProblems.length === 0) break;
      await sleep(200);
    } while (Date.now() < deadline);
    expect(lastProblems, context).toEqual([]);
    console.log(
      `kill loop: ${kills.length} kills in ${loopMs} ms, ${photoMessages().length} photos (${untracked} sent in a kill window, unknowable), ` +
        `${(await store.grants.list()).length} grants, ${inviteTokens().size} invites; ${context}`,
    );
    const photosSent = chats.flatMap((chatId) => tg.messages(chatId).filter((m) => m.photo !== undefined)).length;
    expect(photosSent, context).toBeGreaterThanOrEqual(Math.ceil(KILLS / 5));

    // Every grant the admin was told about exists, once.
    for (const m of tg.messages(ADMIN)) {
      const granted = /^User (\d+)(?: \(\d+\))? can now use (\S+)\./.exec(m.text ?? '');
      if (granted?.[1] && granted[2]) expect(await store.grants.has(Number(granted[1]), granted[2]), `${context}: ${m.text}`).toBe(true);
    }
    const grants = await store.grants.list();
    expect(new Set(grants.map((g) => `${g.userId}:${g.sessionId}`)).size, context).toBe(grants.length);

    // Every invite link exists; one that was used granted exactly one of the users who tried it.
    const tokens = inviteTokens();
    expect(tokens.size, context).toBeGreaterThan(0);
    for (const [token, session] of tokens) {
      const tried = attempts.get(token) ?? [];
      const held = await Promise.all(tried.map((u) => store.grants.has(u, session)));
      const holders = tried.filter((_, i) => held[i]);
      for (const u of tried) {
        const told = tg.messages(u).some((m) => m.text === `You now have access to ${session}. Send /qr ${session} to get its QR code.`);
        if (told) expect(await store.grants.has(u, session), `${context}: user ${u} was told they have ${session}`).toBe(true);
      }
      expect(holders.length, `${context}: token for ${session} granted ${holders.length} users`).toBeLessThanOrEqual(1);
      const check = await store.invites.redeem(token, 99_999_999);
      if (holders.length === 1) expect(check, context).toEqual({ ok: false, reason: 'used' });
      else expect(check.ok, `${context}: an unused invite for ${session} was lost (${JSON.stringify(check)})`).toBe(true);
    }
  } finally {
    await store.close();
  }

  recording = false;
  await recorder;
  last.child.kill('SIGTERM');
  expect(await exitWithin(last, 8_000), context).toBe(0);
  expect(
    stderr.filter((text) => text.trim() !== ''),
    context,
  ).toEqual([]);
  expect(crashes).toEqual([]);
}, 120_000);
