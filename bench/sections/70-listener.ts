import { connect, type Socket } from 'node:net';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/shared/logger.js';
import { mib, sampleRss, sleep } from '../app-fixture.js';
import { verdict } from '../lib.js';

const STALLED = 1_000;
const SLOW = 500;
const TELEGRAM_SECRET = 'bench_telegram_secret_0123456789';
const RSS_GROWTH_TARGET = 64 * 1024 * 1024;

function open(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => resolve(socket));
  });
}

/**
 * The listener faces the internet, with its defaults: 1,000 connections that send the headers of a 1 MiB
 * body without the secret and then stall, and 500 that send the right secret and a 1 MiB body slowly.
 * Measured: the listener's process RSS growth, and what the requests were answered.
 */
export async function run(): Promise<void> {
  const logger = createLogger({ level: 'silent', secrets: [] });
  const server = await createHttpServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    health: async () => ({ status: 'ok', database: 'ok', wasend: 'ok', telegram: 'ok', uptimeS: 0 }) as never,
    telegramWebhook: { path: '/tg', secret: TELEGRAM_SECRET, onUpdate: () => 'queued' },
    wasendWebhook: { secret: 'bench-wasend-secret-0123456789', onEvent: () => undefined },
  });
  const rss = sampleRss(10);
  const sockets: Socket[] = [];
  const answers = new Map<string, number>();
  const note = (socket: Socket) =>
    socket.on('data', (chunk: Buffer) => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 'other';
      answers.set(status, (answers.get(status) ?? 0) + 1);
    });
  console.log(`  ${STALLED} stalled requests without the secret (1 MiB declared), then ${SLOW} slow 1 MiB bodies with it; listener defaults`);
  try {
    for (let i = 0; i < STALLED; i += 1) {
      const socket = await open(server.port);
      note(socket);
      socket.write(`POST /tg HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1024}\r\n\r\n{`);
      sockets.push(socket);
    }
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    for (let i = 0; i < SLOW; i += 1) {
      const socket = await open(server.port);
      note(socket);
      socket.write(`POST /tg HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: ${TELEGRAM_SECRET}\r\nContent-Length: ${1024 * 1024}\r\n\r\n`);
      socket.write(chunk);
      sockets.push(socket);
    }
    // The slow ones trickle on for a while: 16 KiB each every 100 ms.
    for (let round = 0; round < 10; round += 1) {
      await sleep(100);
      for (const socket of sockets.slice(STALLED)) if (!socket.destroyed) socket.write(chunk);
    }
    await sleep(300);
    const peak = rss.stop();
    const growth = peak - rss.baseline;
    const summary = [...answers]
      .sort()
      .map(([status, count]) => `${count} x ${status}`)
      .join(', ');
    console.log(`  answered: ${summary}; ${sockets.filter((s) => !s.destroyed).length} connections still open (the rest closed by the listener)`);
    console.log(
      `  listener RSS: baseline ${mib(rss.baseline)}, peak ${mib(peak)}, growth ${mib(growth)}  ${verdict(growth <= RSS_GROWTH_TARGET, `growth <= ${mib(RSS_GROWTH_TARGET)}`)}`,
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.close();
  }
}
