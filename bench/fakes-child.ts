import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWasendSimulator, type SimSessionSpec } from '../src/simulator/server.js';
import { createFakeTelegram } from '../test/support/fake-telegram.js';
import { API_KEY, createCallIndex, qrBurst, type BurstChat } from './app-fixture.js';

/** The Wasend simulator and the fake Telegram in a child process, driven over IPC. */
/** What the simulator says of one session: its code, when that code stops, its place in the series (0: none). */
export interface SessionStateRow {
  readonly code: string | null;
  readonly expiresAt: number | null;
  readonly codeIndex: number;
  readonly status: string;
}

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
  /** Sends `/qr <session>` from each chat and returns at once (Date.now() when sent). */
  send(chats: readonly BurstChat[]): Promise<number>;
  /** Resolves when each user's chat has at least `count` photos. */
  waitPhotos(userIds: readonly number[], count: number, timeoutMs: number): Promise<void>;
  /** Wasend requests that arrived in [from, to): in all, `GET /sessions`, `GET /sessions/{id}`, QR, POST. */
  countRequests(from: number, to: number): Promise<RequestCounts>;
  /** What the simulator serves now for each session (expiresAt: when its current code rotates, or null). */
  states(ids: readonly string[]): Promise<SessionStateRow[]>;
  /** When each user's first photo arrived (epoch ms), or null. */
  photoTimes(userIds: readonly number[]): Promise<Array<number | null>>;
  /** The phone scans each session's code; resolves with Date.now() just before the first scan. */
  scan(ids: readonly string[]): Promise<number>;
  /** How many photos each user's chat holds now. */
  photoCounts(userIds: readonly number[]): Promise<number[]>;
  /** Every successful edit in each user's chat (time, and whether it carried a new photo). */
  edits(userIds: readonly number[]): Promise<Array<Array<{ at: number; media: boolean }>>>;
  close(): Promise<void>;
}

export interface RequestCounts {
  readonly total: number;
  readonly list: number;
  readonly session: number;
  readonly qr: number;
  readonly post: number;
  /** Answers that were not 2xx (0: reset or unanswered). */
  readonly failed: number;
  /** Those answers by status, e.g. `{ "422": 3 }`. */
  readonly failedBy: Record<string, number>;
}

export interface RemoteFakesOptions {
  readonly sessions: SimSessionSpec[];
  /** Simulator speed factor, default 1. */
  readonly speed?: number;
  /** Where the simulator sends signed `session.status` webhooks, when given. */
  readonly webhook?: { readonly url: string; readonly secret: string };
  /** Which gateway the simulator plays; default wasend. */
  readonly gateway?: 'wasend' | 'waha' | 'evolution';
}

type Op =
  | { op: 'burst'; chats: BurstChat[] }
  | { op: 'requests' }
  | { op: 'cpu' }
  | { op: 'close' }
  | { op: 'send'; chats: BurstChat[] }
  | { op: 'waitPhotos'; userIds: number[]; count: number; timeoutMs: number }
  | { op: 'count'; from: number; to: number }
  | { op: 'states'; ids: string[] }
  | { op: 'photoTimes'; userIds: number[] }
  | { op: 'scan'; ids: string[] }
  | { op: 'edits'; userIds: number[] }
  | { op: 'photoCounts'; userIds: number[] };
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
    send: async (chats) => (await call({ op: 'send', chats: [...chats] })) as number,
    waitPhotos: async (userIds, count, timeoutMs) => void (await call({ op: 'waitPhotos', userIds: [...userIds], count, timeoutMs })),
    countRequests: async (from, to) => (await call({ op: 'count', from, to })) as RequestCounts,
    states: async (ids) => (await call({ op: 'states', ids: [...ids] })) as SessionStateRow[],
    photoTimes: async (userIds) => (await call({ op: 'photoTimes', userIds: [...userIds] })) as Array<number | null>,
    scan: async (ids) => (await call({ op: 'scan', ids: [...ids] })) as number,
    photoCounts: async (userIds) => (await call({ op: 'photoCounts', userIds: [...userIds] })) as number[],
    edits: async (userIds) => (await call({ op: 'edits', userIds: [...userIds] })) as Array<Array<{ at: number; media: boolean }>>,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await call({ op: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}

async function runChild(options: RemoteFakesOptions): Promise<void> {
  const sim = await createWasendSimulator({
    apiKey: API_KEY,
    speed: options.speed ?? 1,
    sessions: options.sessions,
    ...(options.webhook ? { webhook: options.webhook } : {}),
    ...(options.gateway ? { gateway: options.gateway } : {}),
  });
  // Every code the sessions can serve is drawn now: the fake must cost nothing while the bot is measured.
  await sim.prerender();
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
        case 'send': {
          const at = Date.now();
          for (const chat of request.chats) tg.sendText({ userId: chat.userId, text: `/qr ${chat.session}` });
          return at;
        }
        case 'waitPhotos':
          return tg.waitFor(() => request.userIds.every((id) => index.of('sendPhoto', id).length >= request.count), {
            timeoutMs: request.timeoutMs,
            description: `${request.count} photo(s) in each of ${request.userIds.length} chats`,
          });
        case 'count':
          return countRequests(sim.requests.filter((r) => r.at >= request.from && r.at < request.to));
        case 'states':
          return request.ids.map((id) => {
            const state = sim.state(id);
            return {
              code: state?.code ?? null,
              expiresAt: state?.expiresAt ?? null,
              codeIndex: state?.codeIndex ?? 0,
              status: state?.status ?? 'MISSING',
            };
          });
        case 'scan': {
          const at = Date.now();
          for (const id of request.ids) sim.scan(id);
          return at;
        }
        case 'photoTimes':
          return request.userIds.map((id) => index.of('sendPhoto', id)[0]?.at ?? null);
        case 'photoCounts':
          return request.userIds.map((id) => index.of('sendPhoto', id).length);
        case 'edits':
          return request.userIds.map((id) =>
            [
              ...index.of('editMessageMedia', id).map((c) => ({ at: c.at, media: true })),
              ...index.of('editMessageCaption', id).map((c) => ({ at: c.at, media: false })),
            ].sort((a, b) => a.at - b.at),
          );
        case 'close':
          await tg.close();
          await sim.close();
          return true;
      }
    };
    work()
      .then(
        (result) => answer({ id: request.id, result }),
        (error: unknown) => answer({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        if (request.op === 'close') process.disconnect();
      });
  });
  // The parent died without closing us: do not linger.
  process.once('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
  process.send?.({ ready: { wasendUrl: sim.url, token: tg.token, apiRoot: tg.apiRoot } } satisfies Ready);
}

function countRequests(requests: ReadonlyArray<{ method: string; path: string; status: number }>): RequestCounts {
  let failed = 0;
  const failedBy: Record<string, number> = {};
  let list = 0;
  let session = 0;
  let qr = 0;
  let post = 0;
  for (const r of requests) {
    if (r.status < 200 || r.status > 299) {
      failed += 1;
      failedBy[String(r.status)] = (failedBy[String(r.status)] ?? 0) + 1;
    }
    if (r.method === 'POST') post += 1;
    else if (r.path === '/sessions' || r.path === '/api/sessions' || r.path === '/instance/fetchInstances') list += 1;
    else if (r.path.endsWith('/qr') || r.path.startsWith('/instance/connect/')) qr += 1;
    else if (/^(\/api)?\/sessions\/[^/]+$/.test(r.path)) session += 1;
  }
  return { total: requests.length, list, session, qr, post, failed, failedBy };
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  runChild(JSON.parse(process.argv[2] ?? '{}') as RemoteFakesOptions).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
