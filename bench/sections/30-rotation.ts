import { createCallIndex, sleep, startBenchApp, statsOf } from '../app-fixture.js';
import { formatRow, verdict } from '../lib.js';

const SESSIONS = 10;
const NATURAL_ROTATIONS = 3;
const NEXT_CODE_MS = 20_000;
const STAGGER_MS = 200;
const MEDIAN_TARGET_MS = 500;
const P99_TARGET_MS = 1_500;
const PICKUP_REQUESTS_TARGET = 3;
/** A request this long before the rotation counts as one of the looks that picked it up. */
const PICKUP_LOOKBACK_MS = 1_000;

const sessionId = (i: number) => `rot${i}`;
const userOf = (i: number) => 100 + i;

export async function run(): Promise<void> {
  const bench = await startBenchApp({
    sessions: Array.from({ length: SESSIONS }, (_, i) => ({ id: sessionId(i), status: 'SCAN_QR_CODE' as const })),
    grants: Array.from({ length: SESSIONS }, (_, i) => ({ userId: userOf(i), sessionId: sessionId(i) })),
  });
  const { sim, tg, config } = bench;
  console.log(
    `  ${SESSIONS} sessions x 1 chat, simulator speed 1 (real WAHA timing: codes live 20 s), default settings ` +
      `(poll ${config.wasend.pollIntervalMs} ms, budget ${config.wasend.maxRps} rps, no webhooks, no expiresAt in the answers);\n` +
      `  each session is rotated once by hand (sim.rotate), then ${NATURAL_ROTATIONS} natural rotations are timed (about ${((NATURAL_ROTATIONS * NEXT_CODE_MS) / 1000).toFixed(0)} s)`,
  );
  try {
    const index = createCallIndex(tg);
    for (let i = 0; i < SESSIONS; i += 1) tg.sendText({ userId: userOf(i), text: `/qr ${sessionId(i)}` });
    await tg.waitFor(() => Array.from({ length: SESSIONS }, (_, i) => index.of('sendPhoto', userOf(i)).length > 0).every(Boolean), {
      timeoutMs: 30_000,
      description: 'every photo',
    });
    await sleep(2_500); // a look or two at the first code, as a user would have had

    const forced: Array<{ i: number; at: number }> = [];
    const natural: Array<{ i: number; k: number; at: number }> = [];
    for (let i = 0; i < SESSIONS; i += 1) {
      const at = Date.now();
      sim.rotate(sessionId(i));
      forced.push({ i, at });
      const expiresAt = sim.state(sessionId(i))?.expiresAt;
      if (expiresAt == null) throw new Error(`simulator: ${sessionId(i)} shows no code after rotate`);
      for (let k = 0; k < NATURAL_ROTATIONS; k += 1) natural.push({ i, k, at: expiresAt + k * NEXT_CODE_MS });
      await sleep(STAGGER_MS);
    }
    const lastRotation = Math.max(...natural.map((r) => r.at));
    await sleep(lastRotation - Date.now() + 2_500);

    const editAfter = (i: number, at: number) => index.of('editMessageMedia', userOf(i)).find((c) => c.at >= at)?.at;
    const lag = (r: { i: number; at: number }) => {
      const edit = editAfter(r.i, r.at);
      if (edit === undefined) throw new Error(`no edit after the rotation of ${sessionId(r.i)} at ${r.at}`);
      return edit - r.at;
    };
    const getQrOf = (i: number) => sim.requests.filter((q) => q.method === 'GET' && q.path === `/sessions/${sessionId(i)}/qr`);

    const naturalLags = natural.map(lag);
    const naturalStats = statsOf(naturalLags);
    const forcedStats = statsOf(forced.map(lag));
    console.log(
      formatRow(`natural rotation -> edit (${natural.length})`, naturalStats, verdict(naturalStats.medianMs <= MEDIAN_TARGET_MS && naturalStats.p99Ms <= P99_TARGET_MS, `median <= ${MEDIAN_TARGET_MS} ms, p99 <= ${P99_TARGET_MS} ms`)),
    );
    for (let k = 0; k < NATURAL_ROTATIONS; k += 1) {
      const nth = natural.filter((r) => r.k === k).map(lag);
      console.log(formatRow(`  natural rotation #${k + 1} only (${nth.length})`, statsOf(nth)));
    }
    console.log(
      formatRow(`unannounced rotation -> edit (${forced.length})`, forcedStats, `informative: sim.rotate at a random time, found by the ${config.wasend.pollIntervalMs} ms poll`),
    );

    const pickups = natural.map((r) => {
      const requests = getQrOf(r.i);
      const pickup = requests.find((q) => q.at >= r.at);
      if (pickup === undefined) throw new Error(`no look after the rotation of ${sessionId(r.i)}`);
      return requests.filter((q) => q.at >= r.at - PICKUP_LOOKBACK_MS && q.at <= pickup.at).length;
    });
    const pickupStats = statsOf(pickups);
    const perCode = Array.from({ length: SESSIONS }, (_, i) => {
      const rotations = natural.filter((r) => r.i === i).map((r) => r.at);
      const from = rotations[0]!;
      const to = rotations.at(-1)!;
      return getQrOf(i).filter((q) => q.at >= from && q.at < to).length / (rotations.length - 1);
    });
    const perCodeMean = perCode.reduce((a, b) => a + b, 0) / perCode.length;
    console.log(
      `  (a) getQr per rotation pickup (from ${PICKUP_LOOKBACK_MS} ms before the rotation to the look that saw it): ` +
        `median ${pickupStats.medianMs}, max ${Math.max(...pickups)}  ${verdict(Math.max(...pickups) <= PICKUP_REQUESTS_TARGET, `<= ${PICKUP_REQUESTS_TARGET}`)}`,
    );
    console.log(
      `  (b) all getQr per 20 s code: mean ${perCodeMean.toFixed(1)} (min ${Math.min(...perCode).toFixed(1)}, max ${Math.max(...perCode).toFixed(1)}); ` +
        `other Wasend requests in the whole run: ${sim.requests.filter((q) => !q.path.endsWith('/qr')).length}`,
    );
    console.log(
      `  (b) - (a): about ${(NEXT_CODE_MS / config.wasend.pollIntervalMs).toFixed(0)} looks per code are the link check every ` +
        `${config.wasend.pollIntervalMs} ms (how the bot learns the phone scanned the code; without webhooks nothing else tells it), ` +
        `not rotation hunting; the rotation itself costs the (a) looks around its expected time`,
    );
    if (bench.warnings.length > 0) console.log(`  ${bench.warnings.length} warning log line(s), first: ${bench.warnings[0]!.slice(0, 200)}`);
  } finally {
    await bench.close();
  }
}
