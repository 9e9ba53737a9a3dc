import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createStore } from '../../src/store/sqlite.js';
import { useTempDir } from './temp-dir.js';

const tempDir = useTempDir();
const writer = fileURLToPath(new URL('./fixtures/grant-writer.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

it('keeps every committed grant, exactly once, after the writing process is killed mid-loop', async () => {
  const path = join(tempDir(), 'crash.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', writer, path], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.split('\n').length > 2000) resolve();
    });
    child.once('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
  child.kill('SIGKILL');
  const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  expect(signal).toBe('SIGKILL');

  const reported = stdout
    .split('\n')
    .slice(0, -1) // the last piece may be a half-written line
    .map(Number);
  expect(reported.length).toBeGreaterThanOrEqual(2000);

  const store = await createStore(path);
  try {
    const userIds = (await store.grants.list('crash-session')).map((grant) => grant.userId);
    // Every reported id is there once; at most one more grant committed without being reported before the kill.
    expect(userIds.length - reported.length).toBeGreaterThanOrEqual(0);
    expect(userIds.length - reported.length).toBeLessThanOrEqual(1);
    expect(new Set(userIds).size).toBe(userIds.length);
    const stored = new Set(userIds);
    expect(reported.filter((id) => !stored.has(id))).toEqual([]);
    expect(await store.ping()).toBe(true);
  } finally {
    await store.close();
  }
}, 20_000);
