import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWasendSimulator, type SimSessionSpec } from '../src/simulator/server.js';
import { createFakeTelegram } from '../test/support/fake-telegram.js';
import { API_KEY, createCallIndex, qrBurst, type BurstChat } from './app-fixture.js';

/** The Wasend simulator and the fake Telegram in a child process, driven over IPC. */
export interface RemoteFakes {
  readonly wasendUrl: string;
  readonly wasendApiKey: string;
  readonly telegram: { readonly token: string; readonly apiRoot: string };
  /** {@link qrBurst} run inside the child: both ends of each time are taken there, on the fakes' side of loopback. */
  qrBurst(chats: readonly BurstChat[]): Promise<number[]>;
  /** Requests the simulator has received so far. */
  wasendRequests(): Promise<{ total: number; getQr: number }>;
  /** CPU time the child has used so far (user + system), in ms. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

export interface RemoteFakesOptions {
  readonly sessions: SimSessionSpec[];
  /** Simulator speed factor, default 1. */
  readonly speed?: number;
}

type Op = { op: 'burst'; chats: BurstChat[] } | { op: 'requests' } | { op: 'cpu' } | { op: 'close' };
type Request = { id: number } & Op;
type Reply = { id: number; result: unknown } | { id: number; error: string };
type Ready = { ready: { wasendUrl: string; token: string; apiRoot: string } };

/**
 * Starts the fakes in a child process, so the process that runs the bot does nothing else: its event loop,
 * heap and CPU are the bot's alone (with two or more CPUs the fakes run beside it, as Telegram and Wasend would).
 */
export async function startRemoteFakes(options: RemoteFakesOptions): Promise<RemoteFakes> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<Ready['ready']>((resolve, reject) => {
    child.on('message', (message: Ready | Reply) => {
      if ('ready' in message) return resolve(message.ready);
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if ('error' in message) waiter?.reject(new Error(`fakes child: ${message.error}`));
      else waiter?.resolve(message.result);
    });
    child.once('exit', (code, signal) => {
      const error = new Error(`fakes child exited (${signal ?? `code ${code}`})`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });
  const call = (request: Op) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...request, id });
    });
  const info = await ready;
  return {
    wasendUrl: info.wasendUrl,
    wasendApiKey: API_KEY,
    telegram: { token: info.token, apiRoot: info.apiRoot },
    qrBurst: async (chats) => (await call({ op: 'burst', chats: [...chats] })) as number[],
    wasendRequests: async () => (await call({ op: 'requests' })) as { total: number; getQr: number },
    cpuMs: async () => (await call({ op: 'cpu' })) as number,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await call({ op: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}

async function runChild(options: RemoteFakesOptions): Promise<void> {
  const sim = await createWasendSimulator({ apiKey: API_KEY, speed: options.speed ?? 1, sessions: options.sessions });
  const tg = await createFakeTelegram();
  const index = createCallIndex(tg);
  const answer = (reply: Reply) => new Promise<void>((resolve) => process.send?.(reply, () => resolve()) ?? resolve());
  process.on('message', (request: Request) => {
    const work = async (): Promise<unknown> => {
      switch (request.op) {
        case 'burst':
          return qrBurst(tg, index, request.chats);
        case 'requests':
          return { total: sim.requests.length, getQr: sim.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/qr')).length };
        case 'cpu': {
          const used = process.cpuUsage();
          return (used.user + used.system) / 1000;
        }
        case 'close':
          await tg.close();
          await sim.close();
          return true;
      }
    };
    work().then(
      (result) => answer({ id: request.id, result }),
      (error: unknown) => answer({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
    ).finally(() => {
      if (request.op === 'close') process.disconnect();
    });
  });
  // The parent died without closing us: do not linger.
  process.once('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
  process.send?.({ ready: { wasendUrl: sim.url, token: tg.token, apiRoot: tg.apiRoot } } satisfies Ready);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  runChild(JSON.parse(process.argv[2] ?? '{}') as RemoteFakesOptions).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
