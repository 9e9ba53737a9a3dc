import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { eventually } from '../support/wait.js';

/* `npm run try`: the bot with no token and no Wasend account, driven through its console as a person would. */

it('npm run try: /qr demo draws the QR in text with numbered buttons and a live view link, and "!scan demo" turns the message into Connected', async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/try.ts'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await eventually(async () => output.includes('you are the admin'), 'the greeting', 20_000);
    child.stdin.write('/qr demo\n');
    await eventually(async () => /code 1 of 6/.test(output), `the QR message (seen: ${output.slice(-300)})`, 20_000);
    // The code is drawn in text (qrcode's terminal blocks), and the buttons are numbered choices.
    expect(output).toMatch(/[▄▀█]{7}/);
    expect(output).toMatch(/\[1\] .*Refresh {3}\[2\] .*Cancel/);
    // The live view's button is a link with launch data signed for you: the page and its stream answer it.
    const link = /live view \(open in a browser\): (http:\/\/127\.0\.0\.1:\d+\/app\/\?s=demo)#tgWebAppData=(\S+)/.exec(output);
    expect(link).not.toBeNull();
    expect((await fetch(link![1]!)).status).toBe(200);
    const stream = await fetch(link![1]!.replace('/app/?', '/app/api/live?'), { headers: { authorization: `tma ${decodeURIComponent(link![2]!)}` } });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
    child.stdin.write('!scan demo\n');
    await eventually(async () => /Connected: Demo phone \(demo\) is linked/.test(output), 'Connected', 20_000);
    child.stdin.write('/quit\n');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);
