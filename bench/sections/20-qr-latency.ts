import { createCallIndex, sleep, startBenchApp, statsOf, type BenchApp } from '../app-fixture.js';
import { formatRow, verdict } from '../lib.js';

const SESSIONS = 50;
const SEQUENTIAL_RUNS = 30;
const ROUNDS = 5;
const MEDIAN_TARGET_MS = 30;
const P99_TARGET_MS = 150;
const SOLO_USER = 7_000;

const sessionId = (i: number) => `s${String(i).padStart(2, '0')}`;

/** Sends `/qr` from each chat at once; resolves with each chat's time from the update entering to its sendPhoto arriving. */
async function burst(bench: BenchApp, index: ReturnType<typeof createCallIndex>, chats: ReadonlyArray<{ userId: number; session: string }>) {
  const before = new Map(chats.map((c) => [c.userId, index.of('sendPhoto', c.userId).length]));
  const sentAt = new Map<number, number>();
  for (const chat of chats) {
    sentAt.set(chat.userId, Date.now());
    bench.tg.sendText({ userId: chat.userId, text: `/qr ${chat.session}` });
  }
  await bench.tg.waitFor(() => chats.every((c) => index.of('sendPhoto', c.userId).length > before.get(c.userId)!), {
    timeoutMs: 60_000,
    description: `a photo in each of ${chats.length} chats`,
  });
  return chats.map((c) => index.of('sendPhoto', c.userId)[before.get(c.userId)!]!.at - sentAt.get(c.userId)!);
}

async function fiftyChats(maxRps: number, rounds: number) {
  const users = Array.from({ length: SESSIONS }, (_, i) => ({ userId: 1 + i, session: sessionId(i) }));
  const bench = await startBenchApp({
    sessions: users.map((u) => ({ id: u.session, status: 'SCAN_QR_CODE' as const })),
    maxRps,
    grants: users.map((u) => ({ userId: u.userId, sessionId: u.session })),
  });
  try {
    const index = createCallIndex(bench.tg);
    await burst(bench, index, users); // warm-up round
    await sleep(300);
    const samples: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      samples.push(...(await burst(bench, index, users)));
      await sleep(300);
    }
    return { stats: statsOf(samples), requests: bench.sim.requests.length };
  } finally {
    await bench.close();
  }
}

export async function run(): Promise<void> {
  console.log(
    `  /qr update entering the fake Telegram -> sendPhoto arriving there; sessions already in SCAN_QR_CODE (simulator speed 1),\n` +
      `  users granted their session (not admins), poll interval 2000 ms, Wasend retries 3; times have 1 ms resolution`,
  );

  const solo = await startBenchApp({
    sessions: [{ id: 'solo', status: 'SCAN_QR_CODE' }],
    maxRps: 1_000,
    grants: [{ userId: SOLO_USER, sessionId: 'solo' }],
  });
  let sequential;
  try {
    const index = createCallIndex(solo.tg);
    const samples: number[] = [];
    for (let i = 0; i < SEQUENTIAL_RUNS + 5; i += 1) {
      const [ms] = await burst(solo, index, [{ userId: SOLO_USER, session: 'solo' }]);
      if (i >= 5) samples.push(ms!);
      await sleep(100); // the earlier message is retired after the photo is sent: let that edit finish
    }
    sequential = statsOf(samples);
    const perQr = solo.sim.requests.filter((r) => r.path.endsWith('/qr')).length;
    console.log(
      formatRow(`1 chat, sequential (${SEQUENTIAL_RUNS} runs)`, sequential, verdict(sequential.medianMs <= MEDIAN_TARGET_MS && sequential.p99Ms <= P99_TARGET_MS, `median <= ${MEDIAN_TARGET_MS} ms, p99 <= ${P99_TARGET_MS} ms`)),
    );
    console.log(`    Wasend requests in total: ${solo.sim.requests.length} (getQr ${perQr}) for ${SEQUENTIAL_RUNS + 5} /qr plus the live polling in between`);
  } finally {
    await solo.close();
  }

  const fast = await fiftyChats(1_000, ROUNDS);
  console.log(
    formatRow(`${SESSIONS} chats at once x ${ROUNDS} rounds (budget 1000 rps)`, fast.stats, verdict(fast.stats.medianMs <= MEDIAN_TARGET_MS && fast.stats.p99Ms <= P99_TARGET_MS, `median <= ${MEDIAN_TARGET_MS} ms, p99 <= ${P99_TARGET_MS} ms`)),
  );
  const budgeted = await fiftyChats(10, 1);
  console.log(
    formatRow(`${SESSIONS} chats at once x 1 round (default budget 10 rps)`, budgeted.stats, 'informative: 50 getQr through a 10 rps bucket (burst 10)'),
  );
}
