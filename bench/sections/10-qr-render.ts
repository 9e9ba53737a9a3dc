import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import sharp from 'sharp';
import type { PngOptions } from 'sharp';
import { encodeBitmapPng, renderQrPng, MIN_OUTPUT_WIDTH_PX, QUIET_ZONE_MODULES } from '../../src/qr/render.js';
import { formatMs, formatRow, measure, verdict } from '../lib.js';
import { statsOf } from '../app-fixture.js';
import { createRenderPool } from '../../src/qr/render-pool.js';
import { decodeGreyscale, decodeWithSharp } from '../../src/qr/decode.js';
import type { QrPayload } from '../../src/wasend/types.js';

const ITERATIONS = 200;
const RAW_TARGET_MS = 3;
const RAW_MIN_SPEEDUP = 4;
const IMAGE_TARGET_MS = 8;

function base64Of(seed: string, bytes: number): string {
  let out = Buffer.alloc(0);
  for (let i = 0; out.length < bytes; i += 1) {
    out = Buffer.concat([out, createHash('sha256').update(`${seed}:${i}`).digest()]);
  }
  return out.subarray(0, bytes).toString('base64');
}

/** Shaped like a real WhatsApp pairing string: `2@<ref>,<noise key>,<identity key>,<adv secret>` (about 225 chars). */
const PAIRING = `2@${base64Of('ref', 66)},${base64Of('noise', 32)},${base64Of('identity', 32)},${base64Of('adv', 32)}`;

async function naiveRaw(value: string): Promise<Buffer> {
  const png = await QRCode.toBuffer(value);
  return sharp(png).resize(MIN_OUTPUT_WIDTH_PX, MIN_OUTPUT_WIDTH_PX, { kernel: 'nearest' }).flatten({ background: '#ffffff' }).png().toBuffer();
}

async function naiveImage(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).flatten({ background: '#ffffff' }).resize(MIN_OUTPUT_WIDTH_PX, MIN_OUTPUT_WIDTH_PX, { kernel: 'nearest' }).png().toBuffer();
}

export async function run(): Promise<void> {
  const plain = await QRCode.toBuffer(PAIRING, { errorCorrectionLevel: 'M' });
  const images = {
    'base64 PNG': plain.toString('base64'),
    'small PNG (200 px)': (await sharp(plain).resize(200).png().toBuffer()).toString('base64'),
    'transparent PNG': (await QRCode.toBuffer(PAIRING, { errorCorrectionLevel: 'M', color: { dark: '#000000ff', light: '#00000000' } })).toString(
      'base64',
    ),
    'JPEG (q60)': (await sharp(plain).jpeg({ quality: 60 }).toBuffer()).toString('base64'),
  };
  console.log(`  raw pairing string: ${PAIRING.length} chars; ${ITERATIONS} runs each; images arrive as base64 (decode is timed)`);

  const ours = await measure(() => renderQrPng({ kind: 'raw', value: PAIRING }), { iterations: ITERATIONS });
  const naive = await measure(() => naiveRaw(PAIRING), { iterations: ITERATIONS });
  const speedup = naive.medianMs / ours.medianMs;
  console.log(formatRow('raw string: renderQrPng', ours, verdict(ours.medianMs <= RAW_TARGET_MS, `median <= ${RAW_TARGET_MS} ms`)));
  console.log(
    formatRow('raw string: naive qrcode+sharp', naive, `x${speedup.toFixed(1)} ${verdict(speedup >= RAW_MIN_SPEEDUP, `>= ${RAW_MIN_SPEEDUP}x`)}`),
  );

  for (const [label, b64] of Object.entries(images)) {
    const render = () => renderQrPng({ kind: 'image', bytes: Buffer.from(b64, 'base64') });
    const stats = await measure(render, { iterations: ITERATIONS });
    const baseline = await measure(() => naiveImage(Buffer.from(b64, 'base64')), { iterations: ITERATIONS });
    const size = (await render()).length;
    console.log(
      formatRow(`${label}: renderQrPng`, stats, `${verdict(stats.medianMs <= IMAGE_TARGET_MS, `median <= ${IMAGE_TARGET_MS} ms`)}, ${size} B`),
    );
    console.log(formatRow(`${label}: naive sharp`, baseline, `x${(baseline.medianMs / stats.medianMs).toFixed(1)}`));
  }
  // Why a plain PNG is decoded by our own reader, not sharp: the decode alone, to grey pixels flattened onto white.
  console.log(`  decoding the gateway's image to grey pixels (the image path's first step):`);
  for (const label of ['base64 PNG', 'transparent PNG'] as const) {
    const bytes = Buffer.from(images[label], 'base64');
    const used = await measure(() => decodeGreyscale(bytes), { iterations: ITERATIONS });
    const other = await measure(() => decodeWithSharp(bytes), { iterations: ITERATIONS });
    console.log(formatRow(`${label}: decodePlainPng`, used, 'used'));
    console.log(formatRow(`${label}: sharp`, other, `x${(other.medianMs / used.medianMs).toFixed(1)}`));
  }

  // Why the raw path encodes 1-bit PNG with zlib itself: the alternatives, same matrix, same size.
  const modules = QRCode.create(PAIRING, { errorCorrectionLevel: 'M' }).modules;
  const matrix = { width: modules.size, height: modules.size, dark: modules.data };
  const scale = Math.ceil(MIN_OUTPUT_WIDTH_PX / (modules.size + 2 * QUIET_ZONE_MODULES));
  const side = (modules.size + 2 * QUIET_ZONE_MODULES) * scale;
  const grey = Buffer.alloc(side * side, 0xff);
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const row = Math.floor(y / scale) - QUIET_ZONE_MODULES;
      const col = Math.floor(x / scale) - QUIET_ZONE_MODULES;
      if (row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.data[row * modules.size + col] === 1) {
        grey[y * side + x] = 0;
      }
    }
  }
  console.log(`  where the raw path spends its time:`);
  const bytes = { mode: 'byte', data: Buffer.from(PAIRING) } as const;
  const create = await measure(() => QRCode.create([bytes], { errorCorrectionLevel: 'M' }), { iterations: ITERATIONS });
  const segmented = await measure(() => QRCode.create(PAIRING, { errorCorrectionLevel: 'M' }), { iterations: ITERATIONS });
  console.log(formatRow('QRCode.create, one byte segment', create, 'used'));
  console.log(formatRow('QRCode.create, optimal segments', segmented));
  console.log(`  PNG encoder for a ${side}x${side} code (matrix -> PNG only):`);
  for (const level of [1, 3, 6, 9]) {
    const stats = await measure(() => encodeBitmapPng(matrix, QUIET_ZONE_MODULES, scale, level), { iterations: ITERATIONS });
    const size = encodeBitmapPng(matrix, QUIET_ZONE_MODULES, scale, level).length;
    console.log(formatRow(`1-bit Up-filtered rows + deflate ${level}`, stats, `${size} B`));
  }
  const sharpGrey = (options: PngOptions) => () =>
    sharp(grey, { raw: { width: side, height: side, channels: 1 } })
      .png(options)
      .toBuffer();
  for (const [label, options] of [
    ['sharp raw grey -> png (default)', {}],
    ['sharp raw grey -> png (1-bit palette)', { palette: true, colours: 2, compressionLevel: 6 }],
  ] as const) {
    const stats = await measure(sharpGrey(options), { iterations: ITERATIONS });
    const size = (await sharpGrey(options)()).length;
    console.log(formatRow(label, stats, `${size} B`));
  }
  console.log(`  (medians: ours ${formatMs(ours.medianMs)} vs naive ${formatMs(naive.medianMs)})`);
  await fiftyAtOnce();
}

/** 50 different codes arriving together: each one's time to its PNG, on the main thread or in a worker pool. */
async function fiftyAtOnce(): Promise<void> {
  const ROUNDS = 10;
  const images: QrPayload[] = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => ({
      kind: 'image' as const,
      bytes: await QRCode.toBuffer(`${PAIRING}${i}`, { errorCorrectionLevel: 'M' }),
    })),
  );
  const raws: QrPayload[] = Array.from({ length: 50 }, (_, i) => ({ kind: 'raw' as const, value: `${PAIRING}${i}` }));
  const pools = { 'pool of 1': createRenderPool({ threads: 1 }), 'pool of 2': createRenderPool({ threads: 2 }) };
  console.log(`  50 different codes at once, ${ROUNDS} rounds (after 2 warm-up rounds): each code's time to PNG; main-thread time the burst took`);
  try {
    const renderers: Array<[string, (payload: QrPayload) => Promise<Buffer>]> = [
      ['main thread', renderQrPng],
      ...Object.entries(pools).map(([label, pool]) => [label, pool.render] as [string, (payload: QrPayload) => Promise<Buffer>]),
    ];
    for (const [kind, payloads] of [
      ['base64 PNG', images],
      ['raw string', raws],
    ] as const) {
      for (const [label, render] of renderers) {
        const samples: number[] = [];
        let busyMs = 0;
        for (let round = 0; round < ROUNDS + 2; round += 1) {
          const elu = performance.eventLoopUtilization();
          const start = performance.now();
          const times = await Promise.all(payloads.map(async (payload) => (await render(payload), performance.now() - start)));
          if (round >= 2) {
            samples.push(...times);
            busyMs += performance.eventLoopUtilization(elu).active;
          }
        }
        console.log(formatRow(`${kind}, ${label}`, statsOf(samples), `main thread busy ${(busyMs / ROUNDS).toFixed(1)} ms per burst`));
      }
    }
  } finally {
    for (const pool of Object.values(pools)) await pool.close();
  }
}
