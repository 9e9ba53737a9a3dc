import { sleep } from '../app-fixture.js';
import { chatsFor, linkLags, requestRate, rotationLags, rotationsBetween, startLiveRig, waitUntil, NEXT_CODE_MS } from '../live-rig.js';
import { formatRow, verdict } from '../lib.js';

const SESSIONS = 50;
const ROTATIONS = 4;
const MEDIAN_TARGET_MS = 500;
const P99_TARGET_MS = 1_500;
const LINK_P99_TARGET_MS = 1_500;

const ids = Array.from({ length: SESSIONS }, (_, i) => `rot-${i}`);

/**
 * The hardest day: 50 logged-out sessions, 50 people ask at once, every session starts a new series. The codes
 * carry no `expiresAt`: the bot follows WAHA's 60 s / 20 s schedule from the moment it saw each series begin.
 */
export async function run(): Promise<void> {
  const chats = chatsFor(ids, 1);
  const rig = await startLiveRig({ sessions: ids.map((id) => ({ id, status: 'STOPPED' as const })), chats });
  const { fakes } = rig;
  console.log(
    `  ${SESSIONS} stopped sessions, ${SESSIONS} users ask at once (/qr starts each series), simulator speed 1 (codes live 60 s, then 20 s),\n` +
      `  no expiresAt in the answers, no webhooks; the app's defaults (budget 50 rps, poll 2 s, status feed every 1 s); fakes in a child process.`,
  );
  try {
    const askedAt = await fakes.send(chats);
    await fakes.waitPhotos(
      chats.map((c) => c.userId),
      1,
      60_000,
    );
    console.log(`  every photo sent ${Date.now() - askedAt} ms after the ${SESSIONS} /qr (each waits out STARTING, about 2 s)`);
    const first = await fakes.states(ids);
    const firstRotation = Math.min(...first.map((s) => s.expiresAt ?? Number.POSITIVE_INFINITY));
    const lastRotation = Math.max(...first.map((s) => s.expiresAt ?? 0)) + (ROTATIONS - 1) * NEXT_CODE_MS;
    const rotations = await rotationsBetween(fakes, ids, firstRotation, lastRotation + 1);
    const quietFrom = Date.now() + 1_000;
    await waitUntil(firstRotation - 1_000);
    const quiet = await requestRate(fakes, quietFrom, Date.now());
    await waitUntil(lastRotation + 2_000);

    const lags = rotationLags(rotations, await fakes.edits(chats.map((c) => c.userId)));
    const ok = lags.medianMs <= MEDIAN_TARGET_MS && lags.p99Ms <= P99_TARGET_MS && lags.missed === 0;
    console.log(
      formatRow(
        `rotation -> edit (${lags.count}, WAHA schedule)`,
        lags,
        `${lags.missed} missed  ${verdict(ok, `median <= ${MEDIAN_TARGET_MS} ms, p99 <= ${P99_TARGET_MS} ms, none missed`)}`,
      ),
    );
    // Each window holds exactly one rotation of every session (they all began within a few seconds).
    const firstEnd = Math.max(...first.map((s) => s.expiresAt ?? 0));
    const windowOf = (k: number) => [firstEnd + (k - 1) * NEXT_CODE_MS + 1_500, firstEnd + k * NEXT_CODE_MS + 1_500] as const;
    const bound = 1.1 + SESSIONS / 20;
    for (const [label, k] of [
      ['the first rotation (learning its time)', 0],
      [`rotation ${ROTATIONS} (learnt)`, ROTATIONS - 1],
    ] as const) {
      const [from, to] = windowOf(k);
      const rate = await requestRate(fakes, from, to);
      console.log(
        `  Wasend requests per second around ${label}: ${rate.perSecond.toFixed(2)} over ${rate.seconds.toFixed(0)} s ` +
          `(list ${rate.list}, per-session ${rate.session}, QR ${rate.qr}: ${(rate.qr / SESSIONS).toFixed(2)} QR looks per rotation)` +
          (k === 0 ? '  informative' : `  ${verdict(rate.perSecond <= bound, `<= 1.1 + N/20 = ${bound.toFixed(2)}`)}`),
      );
    }
    console.log(
      `  Wasend requests before the first rotation (status feed only): ${quiet.perSecond.toFixed(2)}/s over ${quiet.seconds.toFixed(0)} s (list ${quiet.list}, per-session ${quiet.session}, QR ${quiet.qr}, POST ${quiet.post})`,
    );

    await sleep(2_000);
    const scannedAt = await fakes.scan(ids);
    await sleep(5_000);
    const links = linkLags(scannedAt, await fakes.edits(chats.map((c) => c.userId)));
    console.log(
      formatRow(
        `${SESSIONS} phones link at once -> Connected`,
        links,
        `${links.missed} missed  ${verdict(links.missed === 0 && links.p99Ms <= LINK_P99_TARGET_MS, `p99 <= ${LINK_P99_TARGET_MS} ms, polling`)}`,
      ),
    );
    const idleFrom = Date.now();
    await sleep(5_000);
    const idle = await requestRate(fakes, idleFrom, Date.now());
    console.log(`  Wasend requests once nothing is live: ${idle.total} in ${idle.seconds.toFixed(0)} s  ${verdict(idle.total === 0, '0 when idle')}`);
    if (rig.bot.warnings.length > 0) console.log(`  ${rig.bot.warnings.length} warning log line(s), first: ${rig.bot.warnings[0]!.slice(0, 200)}`);
  } finally {
    await rig.close();
  }
}
