import { createCallIndex, mib, sampleRss, sleep, startBenchApp, statsOf } from '../app-fixture.js';
import { formatRow } from '../lib.js';

const SESSIONS = 50;
const CHATS_PER_SESSION = 10;
const ROTATIONS = 2;
/** 50 sessions polled every 2 s need 25 rps; the default budget (10 rps) would stretch every poll to 5 s. */
const MAX_RPS = 50;

const sessionId = (i: number) => `load${String(i).padStart(2, '0')}`;

export async function run(): Promise<void> {
  const chats = Array.from({ length: SESSIONS * CHATS_PER_SESSION }, (_, n) => ({ userId: 10_000 + n, session: sessionId(n % SESSIONS) }));
  const rss = sampleRss();
  const bench = await startBenchApp({
    sessions: Array.from({ length: SESSIONS }, (_, i) => ({ id: sessionId(i), status: 'SCAN_QR_CODE' as const })),
    grants: chats.map((c) => ({ userId: c.userId, sessionId: c.session })),
    maxRps: MAX_RPS,
  });
  const { sim, tg, config } = bench;
  const afterStart = process.memoryUsage.rss();
  console.log(
    `  ${chats.length} chats (distinct granted users) x /qr at once for ${SESSIONS} sessions (${CHATS_PER_SESSION} chats each), ` +
      `poll ${config.wasend.pollIntervalMs} ms, budget ${config.wasend.maxRps} rps (25 rps of polling needed), simulator speed 1`,
  );
  try {
    const index = createCallIndex(tg);
    const qrRequests = (from: number, to = Number.POSITIVE_INFINITY) =>
      sim.requests.filter((q) => q.method === 'GET' && q.path.endsWith('/qr') && q.at >= from && q.at <= to);

    const startedAt = Date.now();
    const sentAt = new Map<number, number>();
    for (const chat of chats) {
      sentAt.set(chat.userId, Date.now());
      tg.sendText({ userId: chat.userId, text: `/qr ${chat.session}` });
    }
    await tg.waitFor(() => chats.every((c) => index.of('sendPhoto', c.userId).length > 0), { timeoutMs: 120_000, description: 'a photo in every chat' });
    const allPhotosAt = Date.now();
    const latencies = statsOf(chats.map((c) => index.of('sendPhoto', c.userId)[0]!.at - sentAt.get(c.userId)!));
    const openFetches = qrRequests(startedAt, allPhotosAt).length;
    console.log(`  every chat has its photo after ${allPhotosAt - startedAt} ms`);
    console.log(formatRow('  per chat: /qr -> sendPhoto', latencies));
    console.log(`  getQr while opening: ${openFetches} for ${chats.length} /qr (${(openFetches / SESSIONS).toFixed(1)} per session)`);

    for (let r = 0; r < ROTATIONS; r += 1) {
      await sleep(1_000);
      const before = new Map(chats.map((c) => [c.userId, index.of('editMessageMedia', c.userId).length]));
      const rotatedAt = Date.now();
      for (let i = 0; i < SESSIONS; i += 1) sim.rotate(sessionId(i));
      await tg.waitFor(() => chats.every((c) => index.of('editMessageMedia', c.userId).length > before.get(c.userId)!), {
        timeoutMs: 60_000,
        description: `rotation ${r + 1} in every chat`,
      });
      const doneAt = Date.now();
      const lags = statsOf(chats.map((c) => index.of('editMessageMedia', c.userId)[before.get(c.userId)!]!.at - rotatedAt));
      const fetches = qrRequests(rotatedAt, doneAt);
      const looks = new Map<string, number>();
      for (const q of fetches) looks.set(q.path, (looks.get(q.path) ?? 0) + 1);
      const perSession = [...looks.values()];
      console.log(formatRow(`  rotation ${r + 1}: rotate -> edit, ${chats.length} chats`, lags, `all edited after ${doneAt - rotatedAt} ms`));
      console.log(
        `    getQr from the rotation until every chat was edited: ${fetches.length} for ${SESSIONS} sessions ` +
          `(per session: min ${Math.min(...perSession)}, max ${Math.max(...perSession)}; one look serves its ${CHATS_PER_SESSION} chats)`,
      );
    }

    await sleep(1_000);
    const scannedAt = Date.now();
    for (let i = 0; i < SESSIONS; i += 1) sim.scan(sessionId(i));
    await tg.waitFor(() => chats.every((c) => tg.messages(c.userId).some((m) => m.caption?.includes('Connected'))), {
      timeoutMs: 60_000,
      description: 'Connected in every chat',
    });
    console.log(`  scan of all ${SESSIONS} sessions -> every chat says Connected after ${Date.now() - scannedAt} ms`);
    await sleep(500);

    const photos = chats.map((c) => index.of('sendPhoto', c.userId).length);
    const edits = chats.map((c) => index.of('editMessageMedia', c.userId).length);
    const expectedEdits = ROTATIONS + 1;
    const wrongPhotos = photos.filter((n) => n !== 1).length;
    const wrongEdits = edits.filter((n) => n !== expectedEdits).length;
    console.log(
      `  ${wrongPhotos === 0 ? 'OK' : 'WRONG'}: photos per chat ${Math.min(...photos)}..${Math.max(...photos)} (expected exactly 1); ` +
        `${wrongEdits === 0 ? 'OK' : 'WRONG'}: editMessageMedia per chat ${Math.min(...edits)}..${Math.max(...edits)} (expected ${expectedEdits}: ${ROTATIONS} codes + Connected)`,
    );
    const peak = rss.stop();
    console.log(
      `  RSS: before the app ${mib(rss.baseline)}, after start ${mib(afterStart)}, peak ${mib(peak)} ` +
        `(+${mib(peak - rss.baseline)} over the process before the app; the simulator and fake Telegram run in the same process)`,
    );
    console.log(`  Wasend requests in total: ${sim.requests.length}; Telegram calls: ${tg.calls.length}; warning log lines: ${bench.warnings.length}`);
    if (bench.warnings.length > 0) console.log(`    first: ${bench.warnings[0]!.slice(0, 240)}`);
  } finally {
    rss.stop();
    await bench.close();
  }
}
