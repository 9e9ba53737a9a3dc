import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite's checkpoints on a thread of their own. A checkpoint copies the write-ahead log back into the database
 * file and syncs both; made by the connection that commits (SQLite's automatic checkpoint), it held the event loop
 * for 2 to 11 ms once every few dozen commits, so a burst of `/qr` waited behind it. SQLite's own advice for WAL
 * is to turn the automatic checkpoint off and run checkpoints on another thread
 * (https://www.sqlite.org/wal.html#application_initiated_checkpoints): this thread opens a second connection to
 * the same file and runs a PASSIVE checkpoint, which never waits for a lock and never blocks a writer.
 */
export interface Checkpointer {
  /** Counts a commit of the main connection; every `everyCommits` commits the thread is asked to checkpoint. */
  committed(): void;
  /** Checkpoints the thread has finished. */
  readonly done: number;
  /** Ends the thread and closes its connection (before the main connection closes: the last one cleans up). */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Commits between two checkpoints; default 64 (about 1 MB of log at a `/qr` burst's few pages a commit). */
  readonly everyCommits?: number;
  /** The thread could not start or failed: the main connection checkpoints again itself. */
  readonly onFailure: (error: Error) => void;
}

/**
 * The thread's whole program, plain CommonJS: it runs without the TypeScript loader the tests use, so starting it
 * costs about 50 ms of CPU. It starts only once a connection has committed `everyCommits` times.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage('done');
});
`;

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

/** Checkpoints of the SQLite file at `path` (never `:memory:`: it has no log) on a worker thread, started on demand. */
export function createCheckpointer(path: string, options: CheckpointerOptions): Checkpointer {
  const everyCommits = options.everyCommits ?? 64;
  let worker: Worker | undefined;
  let failed = false;
  let closed = false;
  let commits = 0;
  let running = false;
  let owed = false;
  let done = 0;

  const fail = (error: Error) => {
    if (failed || closed) return;
    failed = true;
    void worker?.terminate();
    worker = undefined;
    options.onFailure(error);
  };

  const ask = () => {
    if (running) {
      owed = true;
      return;
    }
    running = true;
    worker ??= start();
    worker?.postMessage('checkpoint');
  };

  const start = (): Worker | undefined => {
    try {
      const thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver: DRIVER, path } });
      // It never keeps the process alive on its own.
      thread.unref();
      thread.on('message', () => {
        done += 1;
        running = false;
        if (owed) {
          owed = false;
          ask();
        }
      });
      // An error of the driver's own class arrives as a plain object with its code only (`SQLITE_CANTOPEN`).
      thread.on('error', (error: unknown) => fail(asError(error)));
      thread.on('exit', (code) => {
        if (!closed) fail(new Error(`the checkpoint thread exited (code ${code})`));
      });
      return thread;
    } catch (error) {
      fail(asError(error));
      return undefined;
    }
  };

  return {
    committed() {
      if (failed || closed) return;
      commits += 1;
      if (commits < everyCommits) return;
      commits = 0;
      ask();
    },
    get done() {
      return done;
    },
    async close() {
      if (closed) return;
      closed = true;
      const thread = worker;
      worker = undefined;
      if (thread === undefined) return;
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.postMessage('close');
      // A thread stuck in a checkpoint is not waited for past a second.
      const timer = setTimeout(() => void thread.terminate(), 1_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  const fields = typeof value === 'object' && value !== null ? (value as { message?: unknown; code?: unknown }) : {};
  const what = [fields.code, fields.message].filter((v) => typeof v === 'string').join(' ') || 'unknown error';
  return new Error(`the checkpoint thread failed: ${what}`);
}
