import { sleep } from '../app-fixture.js';
import { chatsFor, requestRate, rotationLags, rotationsBetween, startLiveRig } from '../live-rig.js';
import { formatRow, verdict } from '../lib.js';

/** With the gateway's event at every code flowing (WAHA's SCAN_QR_CODE, Evolution's QRCODE_UPDATED), a rotation shows within about half a second of it. */
const EVENT_MEDIAN_TARGET_MS = 500;
const WINDOW_MS = 25_000;
const N = 10;

type Gateway = 'waha' | 'evolution';
/** How each gateway's series runs (WAHA: 60 s then 20 s, six; Evolution: 45 s each, thirty). */
const SERIES: Record<Gateway, { readonly nextCodeMs: number; readonly codes: number; readonly ageMs: (i: number) => number }> = {
  waha: { nextCodeMs: 20_000, codes: 6, ageMs: (i) => 60_000 + ((i * 7_919) % 40_000) },
  evolution: { nextCodeMs: 45_000, codes: 30, ageMs: (i) => 45_000 + ((i * 7_919) % 45_000) },
};

/** Sessions already showing codes, each at another point of its series (these gateways' QR answers carry no expiry). */
function sessions(gateway: Gateway, prefix: string) {
  return Array.from({ length: N }, (_, i) => ({ id: `${prefix}-${i}`, status: 'SCAN_QR_CODE' as const, seriesAgeMs: SERIES[gateway].ageMs(i) }));
}

async function measure(gateway: Gateway, webhooks: boolean) {
  const specs = sessions(gateway, webhooks ? 'ev' : 'poll');
  const ids = specs.map((s) => s.id);
  const chats = chatsFor(ids, 1);
  const rig = await startLiveRig({ sessions: specs, chats, webhooks, gateway });
  try {
    await rig.fakes.send(chats);
    await rig.fakes.waitPhotos(
      chats.map((c) => c.userId),
      1,
      30_000,
    );
    const from = Date.now() + 500;
    const rotations = await rotationsBetween(rig.fakes, ids, from, from + WINDOW_MS, SERIES[gateway]);
    await sleep(WINDOW_MS + 2_000);
    const rate = await requestRate(rig.fakes, from, from + WINDOW_MS);
    const lags = rotationLags(rotations, await rig.fakes.edits(chats.map((c) => c.userId)));
    return { lags, looksPerRotation: lags.count === 0 ? 0 : rate.qr / lags.count, rate };
  } finally {
    await rig.close();
  }
}

export async function run(): Promise<void> {
  for (const gateway of ['waha', 'evolution'] as const) {
    console.log(
      `  ${gateway}: ${N} sessions at different points of their series, simulator speed 1, the app's defaults; a ${WINDOW_MS / 1000} s window.`,
    );
    const polled = await measure(gateway, false);
    console.log(
      formatRow(
        `${gateway} rotation -> edit, no events (${polled.lags.count})`,
        polled.lags,
        `${polled.lags.missed} missed, ${polled.looksPerRotation.toFixed(2)} QR looks per rotation`,
      ),
    );
    const evented = await measure(gateway, true);
    const ok = evented.lags.missed === 0 && evented.lags.medianMs <= EVENT_MEDIAN_TARGET_MS;
    console.log(
      formatRow(
        `${gateway} rotation -> edit, events (${evented.lags.count})`,
        evented.lags,
        `${evented.lags.missed} missed, ${evented.looksPerRotation.toFixed(2)} QR looks per rotation  ${verdict(ok, `median <= ${EVENT_MEDIAN_TARGET_MS} ms, none missed`)}`,
      ),
    );
  }
}
