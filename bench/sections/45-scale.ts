import { sampleRss, sleep, mib } from '../app-fixture.js';
import { chatsFor, requestRate, rotationLags, rotationsBetween, startLiveRig } from '../live-rig.js';
import { formatRow, verdict } from '../lib.js';

const SESSIONS = 500;
/** Longer than any series (60 s + 5 x 20 s): every rotation left. */
const SERIES_MS = 200_000;
/** After the last rotation, edits still on their way land. */
const SETTLE_MS = 3_000;
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
    // First codes that rotate 40 to 60 s from now, then every 20 s (rotations spread evenly); each series ends 140-160 s in.
    seriesAgeMs: (i * 7_919) % 20_000,
  }));
  const ids = specs.map((s) => s.id);
  const chats = chatsFor(ids, 1);
  const rss = sampleRss();
  const rig = await startLiveRig({ sessions: specs, chats });
  const { fakes } = rig;
  console.log(
    `  ${SESSIONS} sessions showing codes (rotations spread over 20 s), ${SESSIONS} users ask at once; the app's defaults (budget ` +
      `${rig.bot.config.wasend.maxRps} rps, bursts of 100); fakes in a child process; every rotation after a chat's photo arrived, to the end of its series.`,
  );
  try {
    const askedAt = await fakes.send(chats);
    // Every rotation each series has left, taken now: Telegram takes about 30 messages a second from a bot and the
    // live codes' edits go first, so the photos trickle out for about two minutes, longer than some series last.
    const series = await rotationsBetween(fakes, ids, askedAt, askedAt + SERIES_MS);
    let served = 0;
    for (let waited = 0; waited < 150_000 && served < SESSIONS; waited += 2_000) {
      await sleep(2_000);
      served = (await fakes.photoCounts(chats.map((c) => c.userId))).filter((n) => n > 0).length;
    }
    const photosDoneAt = Date.now();
    console.log(`  ${served} of ${SESSIONS} photos sent within ${photosDoneAt - askedAt} ms  ${verdict(served === SESSIONS, 'every photo')}`);
    // Each rotation after a chat's photo arrived must reach that chat; wait for the last one of all series.
    const lastRotation = Math.max(photosDoneAt, ...series.flat());
    await sleep(Math.max(0, lastRotation - Date.now()) + SETTLE_MS);
    const photoTimes = await fakes.photoTimes(chats.map((c) => c.userId));
    const owed = series.map((times, i) => {
      const photoAt = photoTimes[i];
      return photoAt === null || photoAt === undefined ? [] : times.filter((at) => at > photoAt);
    });
    const edits = await fakes.edits(chats.map((c) => c.userId));
    const during = rotationLags(
      owed.map((times) => times.filter((at) => at < photosDoneAt)),
      edits,
    );
    const after = rotationLags(
      owed.map((times) => times.filter((at) => at >= photosDoneAt)),
      edits,
    );
    const all = rotationLags(owed, edits);
    const rate = await requestRate(fakes, askedAt, lastRotation);
    console.log(formatRow(`  while photos still trickle out (${during.count})`, during, `${during.missed} missed  informative`));
    if (after.count > 0) console.log(formatRow(`  once every photo is out (${after.count})`, after, `${after.missed} missed  informative`));
    else console.log('    once every photo is out: no rotation left (every series had ended)');
    console.log(
      formatRow(
        `rotation -> edit, every rotation after its chat's photo (${all.count})`,
        all,
        `${all.missed} missed  ${verdict(all.missed === 0 && all.p99Ms <= P99_TARGET_MS, `every rotation shown, p99 <= ${P99_TARGET_MS} ms`)}`,
      ),
    );
    const peak = rss.stop();
    const bound = 1.1 + SESSIONS / 20;
    // The 500 /qr ask once each (a person's own request); the rest are the engine's looks at rotating codes and its
    // status feed, which the bound is about.
    const looks = (rate.qr - SESSIONS) / Math.max(1, all.count);
    const own = rate.perSecond - SESSIONS / ((lastRotation - askedAt) / 1000);
    console.log(
      `  from the 500 /qr to the last rotation: ${rate.perSecond.toFixed(2)} Wasend requests/s with the 500 /qr, ${own.toFixed(2)} without (list ${rate.list}, ` +
        `per-session ${rate.session}, QR ${rate.qr}, not 2xx ${rate.failed} ${JSON.stringify(rate.failedBy)}; ${looks.toFixed(2)} QR looks per rotation)  ` +
        `${verdict(own <= bound, `engine's own <= 1.1 + N/20 = ${bound.toFixed(1)}`)}`,
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
