import pg from 'pg';
import { spawnBot, type BotProcess } from '../faults/process.js';
import { POSTGRES_URL, schemaUrl } from './postgres-url.js';

export { freePort } from './free-port.js';

/** One bot process among several on one PostgreSQL schema. */
export interface Instance {
  readonly id: string;
  /** Its HTTP listener (`http://127.0.0.1:<port>`), when it has one. */
  readonly url?: string;
  proc: BotProcess;
  /** Its log lines so far (pino JSON). */
  logs(): Array<Record<string, unknown>>;
}

/** Creates the schema (instances create their tables in it) and returns the `DATABASE_URL` that selects it. */
export async function prepareSchema(schema: string): Promise<string> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
  return schemaUrl(schema);
}

/** Runs one query on the schema (for assertions). */
export async function query<T extends pg.QueryResultRow>(schema: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: schemaUrl(schema) });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export function parseLogs(proc: BotProcess): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of proc.stdout.join('').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut in two by the pipe: read again later
    }
  }
  return lines;
}

/** Starts instance `id` with `env` (and `HTTP_PORT` when `port` is given); resolves once it joined the others. */
export async function startInstance(id: string, env: Record<string, string>, port?: number): Promise<Instance> {
  const proc = spawnBot({
    ...env,
    INSTANCE_ID: id,
    LOG_LEVEL: 'info',
    ...(port !== undefined ? { HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' } : {}),
  });
  const instance: Instance = { id, proc, logs: () => parseLogs(instance.proc), ...(port !== undefined ? { url: `http://127.0.0.1:${port}` } : {}) };
  await untilLogged(instance, (line) => line['msg'] === 'joined the other instances', 30_000, 'the instance to start');
  return instance;
}

/** Waits until the instance logged a line that `match` accepts; rejects when it exits first or after `timeoutMs`. */
export async function untilLogged(
  instance: Instance,
  match: (line: Record<string, unknown>) => boolean,
  timeoutMs: number,
  what: string,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | undefined;
  void instance.proc.exited.then((code) => {
    exited = code;
  });
  for (;;) {
    const found = instance.logs().find(match);
    if (found !== undefined) return found;
    if (exited !== undefined)
      throw new Error(
        `instance ${instance.id} exited (${exited}) before ${what}:\n${instance.proc.stderr.join('').slice(-3_000)}${instance.proc.stdout.join('').slice(-3_000)}`,
      );
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} on ${instance.id}:\n${instance.proc.stdout.join('').slice(-3_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** kill -9, and waits until the process is gone. */
export async function killHard(instance: Instance): Promise<void> {
  instance.proc.child.kill('SIGKILL');
  await instance.proc.exited;
}

/** SIGTERM, and waits for the exit (kill -9 after 10 s). */
export async function stopInstance(instance: Instance): Promise<void> {
  if (instance.proc.child.exitCode !== null || instance.proc.child.signalCode !== null) return;
  const timer = setTimeout(() => instance.proc.child.kill('SIGKILL'), 10_000);
  instance.proc.child.kill('SIGTERM');
  await instance.proc.exited;
  clearTimeout(timer);
}
