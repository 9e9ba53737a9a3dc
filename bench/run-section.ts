import { resourceUsage } from 'node:process';

/**
 * Child side of `run.ts`: imports `bench/sections/<name>` and awaits its `run()`. Exits 0 when it resolved
 * (even if the section left a handle open), 1 when it threw; reports the process's peak RSS to the parent.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (name === undefined) throw new Error('usage: run-section.ts <section file name>');
  const section = (await import(new URL(`./sections/${name}`, import.meta.url).href)) as { run?: unknown };
  if (typeof section.run !== 'function') throw new Error(`${name} does not export run()`);
  await (section.run as () => Promise<void>)();
}

main().then(
  () => {
    process.send?.({ peakRssBytes: resourceUsage().maxRSS * 1024 }, () => process.exit(0));
    if (!process.send) process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
