/**
 * `npm run try`: the bot without a Telegram token or a Wasend account. The Wasend simulator, a local Bot API
 * double and the bot itself run in this process; you chat with the bot in the terminal as its admin. Photos are
 * drawn as QR codes in text, buttons are numbered choices (type the number), and `!scan demo` plays the phone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import QRCode from 'qrcode';
import { createApp } from '../src/app.js';
import type { Config } from '../src/config/config.js';
import { createLogger } from '../src/shared/logger.js';
import { createWasendSimulator } from '../src/simulator/server.js';
import { decodeQrPng } from '../test/support/decode-qr.js';
import { createFakeTelegram, type FakeMessage } from '../test/support/fake-telegram.js';
import { freePort } from '../test/support/free-port.js';
import { launchData, liveViewButton } from '../test/support/live-view.js';

const ADMIN = 1001;
const KEY = 'try-sim-key';
const PHONE_COMMANDS = '!scan <session> (the phone scans), !rotate <session>, !logout <session>, !code <session> <code> (types a pairing code)';

async function main(): Promise<void> {
  const speed = Number(process.env['TRY_SPEED'] ?? '1') || 1;
  const dir = await mkdtemp(join(tmpdir(), 'wasend-qr-bot-try-'));
  const sim = await createWasendSimulator({
    apiKey: KEY,
    speed,
    sessions: [
      { id: 'demo', name: 'Demo phone', status: 'STOPPED' },
      { id: 'shop', name: 'Shop front desk', status: 'STOPPED', phoneNumber: '+5511987654321' },
      { id: 'linked', name: 'Office phone', status: 'WORKING' },
    ],
  });
  const tg = await createFakeTelegram({ token: '123456789:AATryTheBotWithoutAToken_0123' });
  // The listener serves the live view (Mini App): its button is printed as a link to open in your browser.
  const port = await freePort();
  const logs: string[] = [];
  const config: Config = {
    telegram: { token: tg.token, apiRoot: tg.apiRoot, protectContent: true },
    wasend: { baseUrl: sim.url, apiKey: KEY, timeoutMs: 5_000, maxRetries: 1, pollIntervalMs: 1_000, maxRps: 50 },
    adminIds: new Set([ADMIN]),
    databasePath: join(dir, 'try.sqlite'),
    logLevel: 'warn',
    http: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}` },
    inviteTtlMs: 3_600_000,
    qrWatchTimeoutMs: 600_000,
    healthCheckIntervalMs: 60_000,
  };
  const logger = createLogger({
    level: 'warn',
    secrets: [tg.token, KEY],
    destination: new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()) }),
  });
  const app = await createApp(config, { logger, codeLifetimes: { firstMs: 60_000 / speed, nextMs: 20_000 / speed } });
  await app.start();

  const out = (text: string) => process.stdout.write(`${text}\n`);
  out('wasend-qr-bot, tried without a token: you are the admin, chatting with the bot below.');
  out('Try /qr demo, /relink, /sessions, /pair shop +55 11 98765-4321, /help. Buttons are numbered: type the number to press one.');
  out(`Playing the phone: ${PHONE_COMMANDS}. Ctrl+C (or /quit) to stop.`);

  /** What was printed of each bot message (its id, how often it was edited), to print changes only. */
  const printed = new Map<number, number>();
  let buttons: Array<{ messageId: number; data: string }> = [];
  const show = async (message: FakeMessage, edited: boolean): Promise<void> => {
    const keyboard = message.replyMarkup?.inline_keyboard.flat() ?? [];
    const lines: string[] = [];
    if (message.photo !== undefined) {
      const code = await decodeQrPng(message.photo);
      if (code !== null && code.startsWith('2@')) lines.push(await QRCode.toString(code, { type: 'terminal', small: true }));
      lines.push(message.caption ?? '');
    } else {
      lines.push(message.text ?? '');
    }
    buttons = [];
    const choices = keyboard.filter((button): button is typeof button & { callback_data: string } => 'callback_data' in button);
    for (const button of choices) buttons.push({ messageId: message.messageId, data: button.callback_data });
    if (choices.length > 0) lines.push(choices.map((button, i) => `[${i + 1}] ${button.text}`).join('   '));
    const view = liveViewButton(message);
    if (view !== undefined) lines.push(`live view (open in a browser): ${view}#tgWebAppData=${encodeURIComponent(launchData(tg.token, ADMIN))}`);
    out(`\nbot${edited ? ' (edited)' : ''}:\n${lines.join('\n')}`);
  };
  let showing = Promise.resolve();
  const watch = setInterval(() => {
    for (const message of tg.messages(ADMIN)) {
      const last = printed.get(message.messageId);
      if (message.deleted || last === message.edits) continue;
      printed.set(message.messageId, message.edits);
      showing = showing.then(() => show(message, last !== undefined));
    }
  }, 150);

  const input = createInterface({ input: process.stdin, terminal: false });
  const stop = async () => {
    clearInterval(watch);
    input.close();
    await app.stop();
    await tg.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  input.on('line', (raw) => {
    const line = raw.trim();
    if (line === '') return;
    if (line === '/quit') return void stop();
    const choice = /^\d+$/.test(line) ? buttons[Number(line) - 1] : undefined;
    if (choice !== undefined) return void tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: choice.messageId, data: choice.data });
    const phone = /^!(scan|rotate|logout|code)\s+(\S+)(?:\s+(\S+))?$/.exec(line);
    if (phone) {
      const [, action, session = '', code = ''] = phone;
      try {
        if (action === 'scan') sim.scan(session);
        else if (action === 'rotate') sim.rotate(session);
        else if (action === 'logout') sim.logout(session);
        else out(sim.enterCode(session, code.toUpperCase()) ? `(the phone typed ${code}: linked)` : '(that is not the code WhatsApp waits for)');
        app.liveQr.poke(session);
      } catch (error) {
        out(`(${error instanceof Error ? error.message : String(error)})`);
      }
      return;
    }
    if (line.startsWith('!')) return out(`(phone commands: ${PHONE_COMMANDS})`);
    tg.sendText({ userId: ADMIN, text: line, firstName: 'You' });
  });
  input.on('close', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
