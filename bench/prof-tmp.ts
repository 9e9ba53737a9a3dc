import { Session } from 'node:inspector/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import dc from 'node:diagnostics_channel';
const reqs = new Map<string, number>();
let counting = false;
const bump = (k: string) => { if (counting) reqs.set(k, (reqs.get(k) ?? 0) + 1); };
dc.subscribe('http.client.request.start', (m: any) => bump('http ' + m.request.method + ' ' + String(m.request.path).replace(/bot[^/]+/, 'bot').replace(/[0-9]+/g, 'N')));
dc.subscribe('undici:request:create', (m: any) => bump('undici ' + m.request.method + ' ' + String(m.request.path).replace(/[0-9]+/g, 'N')));
dc.subscribe('undici:client:beforeConnect', (m: any) => bump('connect ' + m.connectParams.port));

import { sleep } from './app-fixture.js';
import { chatsFor, startLiveRig } from './live-rig.js';

const live = Array.from({ length: 20 }, (_, i) => `live-${i}`);
const burst = Array.from({ length: 50 }, (_, i) => `new-${i}`);
const warm = Array.from({ length: 50 }, (_, i) => `warm-${i}`);
const warmChats = chatsFor(warm, 3_001);
const liveChats = chatsFor(live, 1);
const burstChats = chatsFor(burst, 1_001);
const rig = await startLiveRig({
  sessions: [
    ...live.map((id) => ({ id, status: 'STOPPED' as const })),
    ...burst.map((id, i) => ({ id, status: 'SCAN_QR_CODE' as const, seriesAgeMs: (i * 997) % 50_000 })),
    ...warm.map((id, i) => ({ id, status: 'SCAN_QR_CODE' as const, seriesAgeMs: (i * 997) % 50_000 })),
  ],
  chats: [...liveChats, ...burstChats, ...warmChats],
});
await rig.fakes.send(liveChats);
await rig.fakes.waitPhotos(liveChats.map((c) => c.userId), 1, 30_000);
if (process.env.PIN) {
  const { execSync } = await import('node:child_process');
  const { readdirSync } = await import('node:fs');
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) execSync(`taskset -pc ${tid === String(process.pid) ? 0 : 1} ${tid} >/dev/null`);
  const kids = execSync(`pgrep -P ${process.pid} || true`).toString().trim().split('\n').filter(Boolean);
  for (const kid of kids) { try { for (const tid of readdirSync(`/proc/${kid}/task`)) execSync(`taskset -pc 1 ${tid} >/dev/null`); } catch {} }
  console.log('pinned; children', kids.join(','));
}
if (process.env.WARM) { await rig.fakes.qrBurst(warmChats); await sleep(1_000); }
await sleep(2_000);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROF_US ?? 100) });
if (!process.env.NOPROF) await session.post('Profiler.start');
(globalThis as any).sqlCount = new Map();
const fakesCpu0 = await rig.fakes.cpuMs();
const sched = () => readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
const ticks = () => readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number);
const s0 = sched(); const t0 = ticks();
counting = true; (globalThis as any).sqlTime = new Map(); (globalThis as any).flushTimes = [];
const loop = performance.eventLoopUtilization();
const r = await rig.fakes.qrBurst(burstChats);
const busy = performance.eventLoopUtilization(loop).active;
const s1 = sched(); const t1 = ticks(); console.log('main user ticks', t1[0]! - t0[0]!, 'sys ticks', t1[1]! - t0[1]!); console.log('main thread cpu ms/qr', ((s1[0]! - s0[0]!) / 1e6 / 50).toFixed(2), 'runqueue wait ms/qr', ((s1[1]! - s0[1]!) / 1e6 / 50).toFixed(2));
console.log('fakes cpu ms/qr', ((await rig.fakes.cpuMs()) - fakesCpu0) / 50);
const { profile } = process.env.NOPROF ? { profile: {} } : await session.post('Profiler.stop');
writeFileSync(process.env.PROF_OUT ?? '/tmp/prof/burst.cpuprofile', JSON.stringify(profile));
for (const [k, v] of [...(globalThis as any).sqlCount].sort((a: any, b: any) => b[1] - a[1])) console.log(v, k.slice(0, 160));
counting = false; for (const [k, v] of reqs) console.log(v, k);
for (const [k, [n, t]] of (globalThis as any).sqlTime) console.log(n, t.toFixed(2), k);
{ const f = (globalThis as any).flushTimes.sort((a: number, b: number) => b - a); console.log('flushes', f.length, 'sum', f.reduce((x: number, y: number) => x + y, 0).toFixed(1), 'top', f.slice(0, 8).map((x: number) => x.toFixed(2)).join(' ')); }
r.sort((a, b) => a - b);
console.log('median', r[25], 'p99', r[49], 'busy/qr', (busy / 50).toFixed(2));
await sleep(1000);
reqs.clear(); counting = true;
const again = await rig.fakes.qrBurst(burstChats);
counting = false; for (const [k, v] of reqs) console.log(v, k);
again.sort((a, b) => a - b);
console.log('again', again.join(' '));
await rig.close();
process.exit(0);
