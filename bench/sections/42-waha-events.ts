import { sleep } from '../app-fixture.js';
import { chatsFor, requestRate, rotationLags, rotationsBetween, startLiveRig } from '../live-rig.js';
import { formatRow, verdict } from '../lib.js';

/** With WAHA's SCAN_QR_CODE at every code flowing, a rotation shows within about half a second of the event. */
const EVENT_MEDIAN_TARGET_MS = 500;
const WINDOW_MS = 25_000;
const N = 10;

/** WAHA sessions already showing codes, each at another point of its series (WAHA's QR answers carry no expiry). */
function sessions(prefix: string) {
  return Array.from({ length: N }, (_, i) => ({ id: `${prefix}-${i}`, status: 'SCAN_QR_CODE' as const, seriesAgeMs: 60_000 + ((i * 7_919) % 40_000) }));
}

async function measure(webhooks: boolean) {
  const specs = sessions(webhooks ? 'ev' : 'poll');
  const ids = specs.map((s) => s.id);
  const chats = chatsFor(ids, 1);
  const rig = await startLiveRig({ sessions: specs, chats, webhooks, gateway: 'waha' });
  try {
    await rig.fakes.send(chats);
    await rig.fakes.waitPhotos(chats.map((c) => c.userId), 1, 30_000);
    const from = Date.now() + 500;
    const rotations = await rotationsBetween(rig.fakes, ids, from, from + WINDOW_MS);
    await sleep(WINDOW_MS + 2_000);
    const rate = await requestRate(rig.fakes, from, from + WINDOW_MS);
    const lags = rotationLags(rotations, await rig.fakes.edits(chats.map((c) => c.userId)));
    return { lags, looksPerRotation: lags.count === 0 ? 0 : rate.qr / lags.count, rate };
  } finally {
    await rig.close();
  }
}

export async function run(): Promise<void> {
  console.log(`  ${N} WAHA sessions at different points of their series, simulator speed 1, the app's defaults; a ${WINDOW_MS / 1000} s window.`);
  const polled = await measure(false);
  console.log(formatRow(`rotation -> edit, no events (${polled.lags.count})`, polled.lags, `${polled.lags.missed} missed, ${polled.looksPerRotation.toFixed(2)} QR looks per rotation`));
  const evented = await measure(true);
  const ok = evented.lags.missed === 0 && evented.lags.medianMs <= EVENT_MEDIAN_TARGET_MS;
  console.log(
    formatRow(
      `rotation -> edit, WAHA events (${evented.lags.count})`,
      evented.lags,
      `${evented.lags.missed} missed, ${evented.looksPerRotation.toFixed(2)} QR looks per rotation  ${verdict(ok, `median <= ${EVENT_MEDIAN_TARGET_MS} ms, none missed`)}`,
    ),
  );
}
