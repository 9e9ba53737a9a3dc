import { sampleRss, sleep, mib } from '../app-fixture.js';
import { chatsFor, requestRate, rotationLags, rotationsBetween, startLiveRig } from '../live-rig.js';
import { formatRow, verdict } from '../lib.js';

const SESSIONS = 500;
const WINDOW_MS = 30_000;
/** The rotations missed while 500 /qr took the budget are caught up first; then the steady window begins. */
const CATCH_UP_MS = 10_000;
const P99_TARGET_MS = 1_500;

/**
 * 500 sessions live at once at the default budget, rotations spread over time as they are when sessions were
 * started over a few minutes; answers with expiresAt. More work than a 10 rps budget could carry (26 rps).
 */
export async function run(): Promise<void> {
  const specs = Array.from({ length: SESSIONS }, (_, i) => ({
    id: `big-${i}`,
    status: 'SCAN_QR_CODE' as const,
    qrShape: 'qrCode-expiresAt' as const,
    // First codes that rotate 40 to 60 s from now, then every 20 s: rotations spread evenly, no series ends in the run.
    seriesAgeMs: (i * 7_919) % 20_000,
  }));
  const ids = specs.map((s) => s.id);
  const chats = chatsFor(ids, 1);
  const rss = sampleRss();
  const rig = await startLiveRig({ sessions: specs, chats });
  const { fakes } = rig;
  console.log(
    `  ${SESSIONS} sessions showing codes (rotations spread over 20 s), ${SESSIONS} users ask at once; the app's defaults (budget ` +
      `${rig.bot.config.wasend.maxRps} rps, bursts of 100); fakes in a child process; a ${WINDOW_MS / 1000} s window from ${CATCH_UP_MS / 1000} s after every photo arrived.`,
  );
  try {
    const askedAt = await fakes.send(chats);
    // Telegram takes about 30 messages a second from a bot and the live codes' edits go first: the photos trickle.
    let served = 0;
    for (let waited = 0; waited < 150_000 && served < SESSIONS; waited += 2_000) {
      await sleep(2_000);
      served = (await fakes.photoCounts(chats.map((c) => c.userId))).filter((n) => n > 0).length;
    }
    console.log(`  ${served} of ${SESSIONS} photos sent within ${Date.now() - askedAt} ms  ${verdict(served === SESSIONS, 'every photo')}`);
    // Rotations are measured in the chats that got their photo.
    const counts = await fakes.photoCounts(chats.map((c) => c.userId));
    const live = chats.filter((_, i) => (counts[i] ?? 0) > 0);
    const photosAt = Date.now();
    const from = photosAt + CATCH_UP_MS;
    const caughtUp = await rotationsBetween(fakes, live.map((c) => c.session), photosAt, from);
    const rotations = await rotationsBetween(fakes, live.map((c) => c.session), from, from + WINDOW_MS);
    await sleep(CATCH_UP_MS + WINDOW_MS + 2_500);
    const rate = await requestRate(fakes, from, from + WINDOW_MS);
    const edits = await fakes.edits(live.map((c) => c.userId));
    const early = rotationLags(caughtUp, edits);
    const lags = rotationLags(rotations, edits);
    console.log(formatRow(`  while catching up (first ${CATCH_UP_MS / 1000} s, ${early.count})`, early, `${early.missed} missed  informative`));
    const peak = rss.stop();
    const bound = 1.1 + live.length / 20;
    console.log(
      formatRow(`rotation -> edit (${lags.count})`, lags, `${lags.missed} missed  ${verdict(lags.missed === 0 && lags.p99Ms <= P99_TARGET_MS, `every rotation shown, p99 <= ${P99_TARGET_MS} ms`)}`),
    );
    console.log(
      `  N=${live.length} live: ${rate.perSecond.toFixed(2)} Wasend requests/s (list ${rate.list}, per-session ${rate.session}, QR ${rate.qr}, not 2xx ${rate.failed} ${JSON.stringify(rate.failedBy)}, ` +
        `${(rate.qr / Math.max(1, lags.count)).toFixed(2)} QR looks per rotation)  ${verdict(rate.perSecond <= bound, `<= 1.1 + N/20 = ${bound.toFixed(1)}`)}`,
    );
    console.log(`  peak RSS of the bot's process ${mib(peak)} (baseline before the bot ${mib(rss.baseline)})`);
    if (rig.bot.warnings.length > 0) {
      const kinds = new Map<string, number>();
      for (const line of rig.bot.warnings) {
        const msg = (JSON.parse(line) as { msg?: string }).msg ?? '?';
        kinds.set(msg, (kinds.get(msg) ?? 0) + 1);
      }
      console.log(`  warnings: ${[...kinds].map(([msg, count]) => `${count} x "${msg}"`).join('; ')}`);
    }
  } finally {
    await rig.close();
  }
}
