import { sleep } from '../app-fixture.js';
import { chatsFor, linkLags, requestRate, rotationLags, rotationsBetween, startLiveRig } from '../live-rig.js';
import { formatRow, verdict } from '../lib.js';

const MEDIAN_TARGET_MS = 500;
const P99_TARGET_MS = 1_500;
const WEBHOOK_LINK_P99_MS = 300;
const WINDOW_MS = 25_000;

/** Sessions already showing codes, each at another point of its series; the answers carry `expiresAt`. */
function sessions(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    status: 'SCAN_QR_CODE' as const,
    qrShape: 'qrCode-expiresAt' as const,
    seriesAgeMs: 60_000 + ((i * 7_919) % 40_000),
  }));
}

/** N sessions live: requests per second over a window, and rotation -> edit in it. */
async function live(n: number, webhooks: boolean) {
  const specs = sessions(`n${n}`, n);
  const ids = specs.map((s) => s.id);
  const chats = chatsFor(ids, 1);
  const rig = await startLiveRig({ sessions: specs, chats, webhooks });
  const { fakes } = rig;
  try {
    await fakes.send(chats);
    await fakes.waitPhotos(
      chats.map((c) => c.userId),
      1,
      30_000,
    );
    const from = Date.now() + 500;
    const rotations = await rotationsBetween(fakes, ids, from, from + WINDOW_MS);
    await sleep(WINDOW_MS + 2_000);
    const rate = await requestRate(fakes, from, from + WINDOW_MS);
    const lags = rotationLags(rotations, await fakes.edits(chats.map((c) => c.userId)));
    let links: ReturnType<typeof linkLags> | undefined;
    if (webhooks) {
      const scannedAt = await fakes.scan(ids);
      await sleep(3_000);
      links = linkLags(scannedAt, await fakes.edits(chats.map((c) => c.userId)));
    }
    return { rate, lags, links, warnings: rig.bot.warnings };
  } finally {
    await rig.close();
  }
}

export async function run(): Promise<void> {
  console.log(
    `  Sessions already showing codes at different points of their series, answers with expiresAt, simulator speed 1,\n` +
      `  the app's defaults (budget 50 rps, status feed every 1 s); fakes in a child process; a ${WINDOW_MS / 1000} s window after every photo arrived.`,
  );
  for (const n of [1, 10]) {
    const { rate, lags } = await live(n, false);
    const bound = 1.1 + n / 20;
    console.log(
      `  N=${String(n).padStart(3)} live: ${rate.perSecond.toFixed(2)} Wasend requests/s (list ${rate.list}, per-session ${rate.session}, QR ${rate.qr}) ` +
        `${verdict(rate.perSecond <= bound, `<= 1.1 + N/20 = ${bound.toFixed(2)}`)}; rotations ${lags.count}, missed ${lags.missed}, lag median ${lags.medianMs} ms`,
    );
  }
  const n = 50;
  const { rate, lags, links, warnings } = await live(n, true);
  const bound = 1.1 + n / 20;
  console.log(
    `  N=${n} live, Wasend webhooks on: ${rate.perSecond.toFixed(2)} Wasend requests/s (list ${rate.list}, per-session ${rate.session}, QR ${rate.qr}) ` +
      verdict(rate.perSecond <= bound, `<= 1.1 + N/20 = ${bound.toFixed(2)}`),
  );
  const ok = lags.medianMs <= MEDIAN_TARGET_MS && lags.p99Ms <= P99_TARGET_MS && lags.missed === 0;
  console.log(
    formatRow(
      `rotation -> edit (${lags.count}, expiresAt)`,
      lags,
      `${lags.missed} missed  ${verdict(ok, `median <= ${MEDIAN_TARGET_MS} ms, p99 <= ${P99_TARGET_MS} ms, none missed`)}`,
    ),
  );
  if (links) {
    console.log(
      formatRow(
        `${n} phones link at once -> Connected`,
        links,
        `${links.missed} missed  ${verdict(links.missed === 0 && links.p99Ms <= WEBHOOK_LINK_P99_MS, `p99 <= ${WEBHOOK_LINK_P99_MS} ms, webhooks`)}`,
      ),
    );
  }
  if (warnings.length > 0) console.log(`  ${warnings.length} warning log line(s), first: ${warnings[0]!.slice(0, 200)}`);
}
