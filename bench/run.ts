import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';

/**
 * `npm run bench [-- filter]`: imports every `bench/sections/*.ts` in name order and awaits its
 * `run()`. An optional argument keeps only sections whose file name contains it. A section that
 * throws is reported and makes the exit code 1; the others still run.
 */
async function main(): Promise<void> {
  const filter = process.argv[2];
  const directory = fileURLToPath(new URL('./sections/', import.meta.url));
  const files = (await readdir(directory))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .filter((name) => filter === undefined || name.includes(filter))
    .sort();
  const load = loadavg().map((value) => value.toFixed(2)).join(' ');
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs, load ${load}, ${files.length} section(s)`,
  );
  let failed = 0;
  for (const name of files) {
    console.log(`\n== ${name}`);
    const started = performance.now();
    try {
      const section = (await import(pathToFileURL(join(directory, name)).href)) as { run?: unknown };
      if (typeof section.run !== 'function') throw new Error(`${name} does not export run()`);
      await (section.run as () => Promise<void>)();
      console.log(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed += 1;
      console.error(`!! ${name} failed:`, error);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

await main();
