import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHealthMonitor } from '../../src/health/monitor.js';
import type { HealthNotifier } from '../../src/health/types.js';
import { createWasendSimulator } from '../../src/simulator/server.js';
import { createStore } from '../../src/store/sqlite.js';
import { createRequestBudget } from '../../src/wasend/budget.js';
import { createWasendClient } from '../../src/wasend/client.js';
import { formatRow, measure, verdict } from '../lib.js';

const SESSIONS = 10_000;
const WATCHERS = 10;
const DROPS = 100;
const CYCLES = 10;
const MAX_RPS = 10;
const RSS_TARGET_MB = 200;
const CONFIRM_DELAY_MS = 500;
const API_KEY = 'bench-health-key';

const sessionId = (i: number) => `phone-${String(i).padStart(5, '0')}`;
const mb = (bytes: number) => bytes / 1024 / 1024;

type ChildMessage = { url: string } | { done: true };

/**
 * The simulator runs in a child process so the RSS measured here is the bot side alone: client, store, monitor.
 * This file is that child when started directly (see the bottom).
 */
async function startSimulatorChild(): Promise<{ url: string; logout(ids: string[]): Promise<void>; close(): void }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const next = () =>
    new Promise<ChildMessage>((resolve, reject) => {
      child.once('message', (message) => resolve(message as ChildMessage));
      child.once('error', reject);
    });
  const { url } = (await next()) as { url: string };
  return {
    url,
    async logout(ids) {
      const done = next();
      child.send({ logout: ids });
      await done;
    },
    close: () => void child.kill('SIGTERM'),
  };
}

async function runChild(): Promise<void> {
  const sim = await createWasendSimulator({
    apiKey: API_KEY,
    sessions: Array.from({ length: SESSIONS }, (_, i) => ({ id: sessionId(i), status: 'WORKING' as const })),
  });
  process.on('message', (message: { logout?: string[] }) => {
    for (const id of message.logout ?? []) sim.logout(id);
    process.send?.({ done: true });
  });
  process.once('SIGTERM', () => void sim.close().then(() => process.exit(0)));
  process.send?.({ url: sim.url });
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
}

export async function run(): Promise<void> {
  const sim = await startSimulatorChild();
  const dir = mkdtempSync(join(tmpdir(), 'bench-health-'));
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  try {
    globalThis.gc?.();
    const baselineRss = process.memoryUsage().rss;
    peakRss = baselineRss;

    let requests = 0;
    const countingFetch: typeof fetch = (input, init) => {
      requests += 1;
      return fetch(input, init);
    };
    const wasend = createWasendClient({
      baseUrl: sim.url,
      apiKey: API_KEY,
      fetch: countingFetch,
      budget: createRequestBudget({ maxRps: MAX_RPS }),
    });
    const store = await createStore(join(dir, 'bench.sqlite'));
    const watcherOf = (i: number) => 1 + Math.floor((i * WATCHERS) / SESSIONS);
    const addAll = async () => {
      for (let i = 0; i < SESSIONS; i++) await store.watches.add({ userId: watcherOf(i), chatId: watcherOf(i), sessionId: sessionId(i) });
    };
    await addAll();
    const alerts: Array<{ kind: 'down' | 'up'; userId: number; sessionId: string }> = [];
    const notifier: HealthNotifier = {
      alertDown: async (watch, info) => void alerts.push({ kind: 'down', userId: watch.userId, sessionId: info.sessionId }),
      alertUp: async (watch, info) => void alerts.push({ kind: 'up', userId: watch.userId, sessionId: info.sessionId }),
    };
    const problems: string[] = [];
    const note = (_obj: object, msg?: string) => void (msg?.startsWith('session no longer linked') || problems.push(msg ?? ''));
    const quiet = { debug() {}, info() {}, warn: note, error: note };
    const monitor = createHealthMonitor({
      wasend,
      watches: store.watches,
      state: store.health,
      notifier,
      logger: quiet,
      intervalMs: 60_000,
      confirmDelayMs: CONFIRM_DELAY_MS,
    });

    const firstStart = performance.now();
    await monitor.checkNow();
    const firstMs = performance.now() - firstStart;
    const before = requests;
    const stats = await measure(() => monitor.checkNow(), { iterations: CYCLES, warmup: 0 });
    const perCycle = (requests - before) / CYCLES;
    console.log(`  ${SESSIONS} sessions on the simulator (WORKING), ${SESSIONS} watches by ${WATCHERS} users, budget ${MAX_RPS} rps`);
    console.log(`  first cycle (writes ${SESSIONS} 'up' records): ${firstMs.toFixed(1)} ms`);
    console.log(formatRow(`check cycle (${SESSIONS} sessions)`, stats, `${perCycle} Wasend request(s)/cycle ${verdict(perCycle === 1, '1')}`));

    const dropped = Array.from({ length: DROPS }, (_, k) => sessionId(k * (SESSIONS / DROPS)));
    await sim.logout(dropped);
    const beforeDrop = requests;
    const dropStart = performance.now();
    await monitor.checkNow();
    const alerted = await until(() => alerts.length >= DROPS, 30_000);
    const dropMs = performance.now() - dropStart;
    // Give late duplicates a chance to show up.
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_DELAY_MS * 2));
    await monitor.checkNow();
    const dropRequests = requests - beforeDrop;
    const pairs = new Set(alerts.map((a) => `${a.kind} ${a.userId} ${a.sessionId}`));
    const expected = new Set(dropped.map((id) => `down ${watcherOf(Number(id.slice(6)))} ${id}`));
    const exact = alerted && alerts.length === DROPS && pairs.size === DROPS && [...expected].every((p) => pairs.has(p));
    const perWatcher = new Map<number, number>();
    for (const a of alerts) perWatcher.set(a.userId, (perWatcher.get(a.userId) ?? 0) + 1);
    console.log(
      `  ${DROPS} logouts: ${alerts.length} alerts (one per watcher of each dropped session: ${verdict(exact, `exactly ${DROPS}, no duplicates`)}), ` +
        `per watcher ${[...perWatcher.values()].join('/')}; `,
    );
    console.log(
      `  ${dropRequests} Wasend requests (2 cycles + 1 batched confirmation); ` +
        `drop seen to last alert ${dropMs.toFixed(0)} ms (confirm delay ${CONFIRM_DELAY_MS} ms)`,
    );

    if (problems.length > 0) console.log(`  ${problems.length} warning(s) logged, first: ${problems[0]}`);
    await monitor.stop();
    await store.close();
    const peakDelta = mb(peakRss - baselineRss);
    console.log(
      `  RSS: baseline ${mb(baselineRss).toFixed(1)} MB, peak ${mb(peakRss).toFixed(1)} MB, delta ${peakDelta.toFixed(1)} MB ` +
        verdict(mb(peakRss) <= RSS_TARGET_MB, `peak <= ${RSS_TARGET_MB} MB`),
    );
  } finally {
    clearInterval(sampler);
    sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  runChild().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
