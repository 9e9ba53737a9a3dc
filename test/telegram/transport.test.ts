import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Api, HttpError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { createBotApiTransport, type BotApiTransport } from '../../src/telegram/transport.js';
import { memoryFile, sendUploadsAsOneBody } from '../../src/telegram/uploads.js';
import { multipartBoundary, parseMultipart } from '../support/fake-telegram-multipart.js';

const TOKEN = '123:transport-test';

/** A Bot API that answers every call, counting the connections it was given and keeping each request. */
async function startBotApi() {
  const requests: Array<{ method: string; contentType: string; body: Buffer; chunked: boolean }> = [];
  let connections = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.url?.split('/').at(-1) ?? '';
      requests.push({
        method,
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
        chunked: req.headers['transfer-encoding'] === 'chunked',
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, result: { message_id: requests.length, date: 0, chat: { id: 1, type: 'private' } } }));
    });
  });
  server.on('connection', () => (connections += 1));
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { apiRoot, requests, connections: () => connections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the Bot API transport', () => {
  let transport: BotApiTransport | undefined;
  let botApi: Awaited<ReturnType<typeof startBotApi>> | undefined;
  afterEach(async () => {
    await transport?.close();
    await botApi?.close();
  });

  const apiOn = (apiRoot: string, t: BotApiTransport) => {
    const api = new Api(TOKEN, { apiRoot, fetch: t.fetch });
    api.config.use(sendUploadsAsOneBody(t, apiRoot, TOKEN));
    return api;
  };

  it('sends fifty photos at once on a bounded set of kept connections, each as one body with its length', async () => {
    botApi = await startBotApi();
    transport = createBotApiTransport({ connections: 8 });
    const api = apiOn(botApi.apiRoot, transport);
    const photo = Buffer.from('89504e470d0a1a0a' + '00'.repeat(2000), 'hex');
    const burst = () =>
      Promise.all(Array.from({ length: 50 }, (_, i) => api.sendPhoto(i + 1, memoryFile(photo, 'qr.png'), { caption: `code ${i}` })));
    await burst();
    expect(botApi.connections()).toBeLessThanOrEqual(8);
    const afterFirst = botApi.connections();
    await burst();
    // The second burst finds the connections of the first open.
    expect(botApi.connections()).toBe(afterFirst);
    const photos = botApi.requests.filter((r) => r.method === 'sendPhoto');
    expect(photos).toHaveLength(100);
    expect(photos.every((r) => !r.chunked)).toBe(true);
    const parts = parseMultipart(photos[0]!.body, multipartBoundary(photos[0]!.contentType)!);
    const file = parts.find((p) => p.filename === 'qr.png')!;
    expect(file.data.equals(photo)).toBe(true);
    expect(parts.find((p) => p.name === 'photo')?.data.toString()).toBe(`attach://${file.name}`);
    // A call without a file goes as grammY sends it: JSON.
    await api.sendMessage(1, 'hello');
    expect(botApi.requests.at(-1)).toMatchObject({ method: 'sendMessage', contentType: 'application/json' });
  });

  it('reports a refused connection as grammY does (a lost answer), for an upload and for any other call', async () => {
    botApi = await startBotApi();
    const apiRoot = botApi.apiRoot;
    await botApi.close();
    botApi = undefined;
    transport = createBotApiTransport();
    const api = apiOn(apiRoot, transport);
    await expect(api.sendPhoto(1, memoryFile(Buffer.from([0x89, 0x50]), 'qr.png'))).rejects.toBeInstanceOf(HttpError);
    await expect(api.sendMessage(1, 'hello')).rejects.toBeInstanceOf(HttpError);
    // Nothing names the token.
    const error = (await api.sendPhoto(1, memoryFile(Buffer.from([1]), 'qr.png')).catch((e: unknown) => e)) as HttpError;
    expect(`${error.message} ${(error.error as Error).message}`).not.toContain(TOKEN);
  });
});
