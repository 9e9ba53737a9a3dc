import { createCallIndex, qrBurst, sleep, startBenchApp, startBenchBot, statsOf, type BurstChat } from '../app-fixture.js';
import { startRemoteFakes } from '../fakes-child.js';
import { formatRow, verdict } from '../lib.js';
import type { SimSessionSpec } from '../../src/simulator/server.js';

const SESSIONS = 50;
const SEQUENTIAL_RUNS = 30;
const ROUNDS = 5;
const MEDIAN_TARGET_MS = 30;
const P99_TARGET_MS = 150;
const SOLO_USER = 7_000;
/** The budget of the measured runs: high enough that the token bucket never holds a call back (see `run`). */
const UNTHROTTLED_RPS = 1_000;
const DEFAULT_RPS = 10;

const sessionId = (i: number) => `s${String(i).padStart(2, '0')}`;
const TARGET = `median <= ${MEDIAN_TARGET_MS} ms, p99 <= ${P99_TARGET_MS} ms`;
const meets = (stats: { medianMs: number; p99Ms: number }) => stats.medianMs <= MEDIAN_TARGET_MS && stats.p99Ms <= P99_TARGET_MS;

type Where = 'in-process' | 'isolated';

/** The bot plus the fakes, either in this process (the fakes share the bot's event loop) or with the fakes in a child. */
interface Rig {
  burst(chats: readonly BurstChat[]): Promise<number[]>;
  wasendRequests(): Promise<{ total: number; getQr: number }>;
  /** CPU the fakes have used so far in ms, when they run in their own process. */
  fakesCpuMs(): Promise<number | undefined>;
  close(): Promise<void>;
}

async function startRig(where: Where, sessions: SimSessionSpec[], chats: readonly BurstChat[], maxRps: number): Promise<Rig> {
  const grants = chats.map((c) => ({ userId: c.userId, sessionId: c.session }));
  if (where === 'in-process') {
    const bench = await startBenchApp({ sessions, maxRps, grants });
    const index = createCallIndex(bench.tg);
    return {
      burst: (burstChats) => qrBurst(bench.tg, index, burstChats),
      wasendRequests: async () => ({
        total: bench.sim.requests.length,
        getQr: bench.sim.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/qr')).length,
      }),
      fakesCpuMs: async () => undefined,
      close: () => bench.close(),
    };
  }
  const fakes = await startRemoteFakes({ sessions });
  try {
    const bot = await startBenchBot({ wasendUrl: fakes.wasendUrl, wasendApiKey: fakes.wasendApiKey, telegram: fakes.telegram, maxRps, grants });
    return {
      burst: (burstChats) => fakes.qrBurst(burstChats),
      wasendRequests: () => fakes.wasendRequests(),
      fakesCpuMs: () => fakes.cpuMs(),
      async close() {
        await bot.close();
        await fakes.close();
      },
    };
  } catch (error) {
    await fakes.close();
    throw error;
  }
}

/** CPU time per `/qr` in ms (user + system) of this process and, when isolated, of the fakes' process. */
async function cpuMeter(rig: Rig) {
  const start = process.cpuUsage();
  const fakesStart = await rig.fakesCpuMs();
  return async (requests: number) => {
    const used = process.cpuUsage(start);
    const fakesNow = await rig.fakesCpuMs();
    const per = (ms: number) => ms / Math.max(1, requests);
    return {
      bot: per((used.user + used.system) / 1000),
      fakes: fakesNow === undefined || fakesStart === undefined ? undefined : per(fakesNow - fakesStart),
    };
  };
}

type CpuPerQr = Awaited<ReturnType<Awaited<ReturnType<typeof cpuMeter>>>>;

async function oneChat(where: Where) {
  const chat = { userId: SOLO_USER, session: 'solo' };
  const rig = await startRig(where, [{ id: 'solo', status: 'SCAN_QR_CODE' }], [chat], UNTHROTTLED_RPS);
  try {
    const samples: number[] = [];
    let cpu = await cpuMeter(rig);
    for (let i = 0; i < SEQUENTIAL_RUNS + 5; i += 1) {
      if (i === 5) cpu = await cpuMeter(rig);
      const [ms] = await rig.burst([chat]);
      if (i >= 5) samples.push(ms!);
      await sleep(100); // the earlier message is retired after the photo is sent: let that edit finish
    }
    const cpuPerQr = await cpu(SEQUENTIAL_RUNS);
    return { stats: statsOf(samples), cpuPerQr, requests: await rig.wasendRequests() };
  } finally {
    await rig.close();
  }
}

async function fiftyChats(where: Where, maxRps: number, rounds: number) {
  const users = Array.from({ length: SESSIONS }, (_, i) => ({ userId: 1 + i, session: sessionId(i) }));
  const sessions = users.map((u) => ({ id: u.session, status: 'SCAN_QR_CODE' as const }));
  const rig = await startRig(where, sessions, users, maxRps);
  try {
    if (rounds > 1) {
      await rig.burst(users); // warm-up round
      await sleep(300);
    }
    const samples: number[] = [];
    const cpu = await cpuMeter(rig);
    for (let round = 0; round < rounds; round += 1) {
      samples.push(...(await rig.burst(users)));
      await sleep(300);
    }
    return { stats: statsOf(samples), cpuPerQr: await cpu(rounds * SESSIONS) };
  } finally {
    await rig.close();
  }
}

const cpuNote = (cpu: CpuPerQr) =>
  cpu.fakes === undefined ? `CPU/qr: ${cpu.bot.toFixed(1)} ms (bot+fakes)` : `CPU/qr: bot ${cpu.bot.toFixed(1)} ms, fakes ${cpu.fakes.toFixed(1)} ms`;

export async function run(): Promise<void> {
  console.log(
    `  /qr update queued in the fake Telegram -> its sendPhoto arriving there; sessions already in SCAN_QR_CODE (simulator speed 1),\n` +
      `  users granted their session (not admins), poll interval 2000 ms, Wasend retries 3; times have 1 ms resolution.\n` +
      `  in-process: simulator and fake Telegram share the bot's process and event loop (their work lands in the bot's latency);\n` +
      `  isolated: they run in a child process and both ends of each time are taken there, so this process runs the bot alone.\n` +
      `  Budget ${UNTHROTTLED_RPS} rps for the target rows: they measure the bot's own cost. At the default ${DEFAULT_RPS} rps the token\n` +
      `  bucket lets ${DEFAULT_RPS} getQr out at once and then ${DEFAULT_RPS}/s, so 50 first looks take about 4 s by construction (last row).\n` +
      `  CPU/qr: CPU used over the measured runs (live polling and retiring the chat's earlier QR message included) / number of /qr.`,
  );

  for (const where of ['in-process', 'isolated'] as const) {
    const solo = await oneChat(where);
    console.log(formatRow(`1 chat x ${SEQUENTIAL_RUNS} in turn, ${where}`, solo.stats, `${verdict(meets(solo.stats), TARGET)}; ${cpuNote(solo.cpuPerQr)}`));
    if (where === 'isolated') {
      console.log(`    Wasend requests in total: ${solo.requests.total} (getQr ${solo.requests.getQr}) for ${SEQUENTIAL_RUNS + 5} /qr plus the live polling in between`);
    }
  }
  for (const where of ['in-process', 'isolated'] as const) {
    const fast = await fiftyChats(where, UNTHROTTLED_RPS, ROUNDS);
    console.log(
      formatRow(`${SESSIONS} chats at once x ${ROUNDS}, ${where}`, fast.stats, `${verdict(meets(fast.stats), TARGET)}; ${cpuNote(fast.cpuPerQr)}`),
    );
  }
  const budgeted = await fiftyChats('isolated', DEFAULT_RPS, 1);
  console.log(
    formatRow(`${SESSIONS} at once x 1, ${DEFAULT_RPS} rps, isolated`, budgeted.stats, 'informative: the first round, 50 getQr through the default bucket'),
  );
}
