import { fork } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** A section still running after this long is killed and reported; the whole run must stay within minutes. */
const SECTION_TIMEOUT_MS = 300_000;

type Ended = { ok: true; ms: number; peakRssBytes?: number } | { ok: false; ms: number; reason: string };
type Outcome = Ended & { misses: number; passes: number };

/** Runs one section in its own process (see `run-section.ts`); output goes straight to ours. */
function runSection(name: string): Promise<Outcome> {
  const started = performance.now();
  const child = fork(fileURLToPath(new URL('./run-section.ts', import.meta.url)), [name], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['inherit', 'pipe', 'inherit', 'ipc'],
  });
  // The section's lines go straight through; its PASS and MISS verdicts are counted on the way.
  let misses = 0;
  let passes = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    misses += text.match(/\bMISS \(/g)?.length ?? 0;
    passes += text.match(/\bPASS \(/g)?.length ?? 0;
    process.stdout.write(chunk);
  });
  let peakRssBytes: number | undefined;
  child.on('message', (message: { peakRssBytes?: number }) => (peakRssBytes = message.peakRssBytes));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, SECTION_TIMEOUT_MS);
  return new Promise((resolve) => {
    const finish = (outcome: Ended) => {
      clearTimeout(timer);
      resolve({ ...outcome, misses, passes });
    };
    child.once('error', (error) => finish({ ok: false, ms: performance.now() - started, reason: `could not start: ${error.message}` }));
    child.once('exit', (code, signal) => {
      const ms = performance.now() - started;
      if (timedOut) return finish({ ok: false, ms, reason: `killed after ${SECTION_TIMEOUT_MS / 1000} s` });
      if (code === 0) return finish({ ok: true, ms, ...(peakRssBytes === undefined ? {} : { peakRssBytes }) });
      finish({ ok: false, ms, reason: signal === null ? `exit code ${code}` : `signal ${signal}` });
    });
  });
}

/**
 * `npm run bench [-- filter]`: runs every `bench/sections/*.ts` in name order, each in a fresh child process
 * (so one section's heap does not inflate the next one's memory numbers, and a crash stays in its section).
 * An optional argument keeps only sections whose file name contains it. A failed section makes the exit code 1;
 * the others still run.
 */
async function main(): Promise<void> {
  const filter = process.argv[2];
  const directory = fileURLToPath(new URL('./sections/', import.meta.url));
  const files = (await readdir(directory))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .filter((name) => filter === undefined || name.includes(filter))
    .sort();
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs (${cpu}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load ${load}; ${files.length} section(s), each in its own process`,
  );
  const started = performance.now();
  const failed: string[] = [];
  let misses = 0;
  let passes = 0;
  for (const name of files) {
    console.log(`\n== ${name}`);
    const outcome = await runSection(name);
    misses += outcome.misses;
    passes += outcome.passes;
    const seconds = `${(outcome.ms / 1000).toFixed(1)} s`;
    if (outcome.ok) {
      const rss = outcome.peakRssBytes === undefined ? '' : `, section process peak RSS ${(outcome.peakRssBytes / 2 ** 20).toFixed(0)} MiB`;
      console.log(`   (${seconds}${rss})`);
    } else {
      failed.push(name);
      console.error(`!! ${name} failed (${outcome.reason}) after ${seconds}`);
    }
  }
  const total = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  console.log(
    `\n${files.length - failed.length}/${files.length} section(s) ran in ${total}${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}; ` +
      `targets: ${passes} PASS, ${misses} MISS`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

await main();
