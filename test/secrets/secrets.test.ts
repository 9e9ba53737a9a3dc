import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ADMIN, API_KEY, FAULT_WAIT_MS, STRANGER, USER, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';
import { ROOT } from '../faults/process.js';

let harness: AppHarness | undefined;
afterEach(async () => {
  const h = harness;
  harness = undefined;
  if (!h) return;
  await h.close();
  expect(h.crashes).toEqual([]);
});

/** Every form a secret could take in a line: raw, URL-encoded, JSON-escaped, and the part after the bot id. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  const afterColon = secret.split(':')[1];
  if (afterColon && afterColon.length >= 10) forms.add(afterColon);
  return [...forms];
}

function leaks(texts: readonly string[], secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const secret of secrets) {
      if (formsOf(secret).some((form) => text.includes(form))) found.push(`${secret.slice(0, 4)}… in ${text.slice(0, 160)}`);
    }
  }
  return found;
}

it.each([
  { scrub: true, label: 'through the scrubbing logger' },
  { scrub: false, label: 'even with a logger that scrubs nothing (the code logs no secret in the first place)' },
])(
  'the bot token, the Wasend key and invite tokens appear in no log line and no message, through every flow and fault: $label',
  async ({ scrub }) => {
    const h = await startApp({
      waitMs: FAULT_WAIT_MS,
      scrub,
      sessions: [
        { id: 'demo', status: 'STOPPED' },
        { id: 'second', status: 'STOPPED' },
      ],
      wasend: { timeoutMs: 300, maxRetries: 1 },
    });
    harness = h;

    // QR, rotation, connected.
    const photo = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    h.rotate('demo');
    await untilShowsCurrentCode(h, photo, 'demo');
    h.sim.scan('demo');
    await h.until(() => photo.caption?.includes('Connected'), 'Connected');

    // Refusal, invite, redemption, replay, audit.
    await h.say(STRANGER, '/qr demo');
    const invite = await h.say(ADMIN, '/invite second');
    const token = /start=([A-Za-z0-9_-]+)/.exec(invite.text ?? '')?.[1] ?? '';
    expect(token.length).toBeGreaterThan(20);
    await h.say(USER, `/start ${token}`);
    await h.say(STRANGER, `/start ${token}`);
    await h.say(ADMIN, '/audit');
    await h.say(ADMIN, '/users');

    // Wasend faults: a 401 (as if the key were wrong), a 5xx burst, garbage.
    h.sim.injectFaults({ kind: 'status', status: 401, path: '/sessions/second' }, 1);
    await h.say(USER, '/qr second');
    h.sim.injectFaults({ kind: 'status', status: 500, body: `{"message":"upstream said ${API_KEY}"}`, path: '/sessions/second' }, 2);
    await h.say(USER, '/qr second');
    h.sim.injectFaults({ kind: 'garbage', path: '/sessions/second' }, 1);
    await h.say(USER, '/qr second');

    // Telegram faults: grammY's HttpError carries the URL, which holds the token; a 5xx and a refusal too.
    h.tg.failNext('sendMessage', 'reset');
    h.tg.sendText({ userId: ADMIN, text: '/help' });
    await h.until(() => h.tg.callsTo('sendMessage').some((c) => !c.ok), 'the reset sendMessage');
    h.tg.failNext('sendPhoto', 'reset');
    await h.say(USER, '/qr second');
    h.tg.failNext('sendMessage', { errorCode: 500, description: 'Internal Server Error' });
    h.tg.sendText({ userId: ADMIN, text: '/sessions' });
    await h.until(() => h.tg.callsTo('sendMessage').some((c) => !c.ok && c.at > 0), 'the failed sendMessage');
    const live = await h.say(USER, '/qr second');
    await untilShowsCurrentCode(h, live, 'second');
    h.tg.failNext('editMessageMedia', 'reset');
    h.rotate('second');
    await untilShowsCurrentCode(h, live, 'second');
    await h.say(ADMIN, '/status');
    await h.app.stop();

    const logs = h.logs;
    expect(logs.some((line) => line.includes('"level":20'))).toBe(true);
    expect(logs.some((line) => /HttpError|Network request/.test(line))).toBe(true);
    expect(leaks(logs, [h.tg.token, API_KEY, token])).toEqual([]);

    const sent = h.tg.calls.filter((c) => c.method !== 'getUpdates').map((c) => JSON.stringify(c.params));
    expect(leaks(sent, [h.tg.token, API_KEY])).toEqual([]);
    // The invite token is in the one reply that hands the link to the admin who asked for it, and nowhere else.
    const withToken = h.tg.calls.filter((c) => JSON.stringify(c.params).includes(token));
    expect(withToken.map((c) => [c.method, c.params.chat_id])).toEqual([['sendMessage', ADMIN]]);
    expect((await h.store().audit.latest(500)).filter((e) => JSON.stringify(e).includes(token))).toEqual([]);
  },
);

it('nothing in src/ writes to the console except the start-failure path of main.ts and the simulator CLI', async () => {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  await walk(join(ROOT, 'src'));
  const uses: string[] = [];
  for (const file of files) {
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (/\bconsole\.\w+\(|process\.(stdout|stderr)\.write\(/.test(line)) uses.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  const allowed = uses.filter(
    (use) =>
      use.startsWith('src/simulator/cli.ts:') ||
      /^src\/main\.ts:\d+: console\.error\((scrub\()?(describeStartFailure\(error\)|configHint\(envFile\)|envLineWarning\(problem\))\)?\);$/.test(
        use,
      ),
  );
  expect(uses.filter((use) => !allowed.includes(use))).toEqual([]);
  expect(files.length).toBeGreaterThan(20);
});
