import pg from 'pg';
import { describeError } from '../shared/describe-error.js';
import type { LogSink } from '../shared/logger.js';

/** PostgreSQL's LISTEN/NOTIFY on one channel: what the instances say to each other (hand-overs, broadcasts). */
export interface NotifyChannel {
  /** Whether the listening connection is up. */
  readonly listening: () => boolean;
  /** Connects and listens, once; a failure is logged and left for the next call. Bounded to about 5 s. */
  listen(): Promise<void>;
  /** Sends a JSON payload to every instance (this one too); nothing when not listening. */
  notify(payload: object): Promise<void>;
  close(): Promise<void>;
}

export function createNotifyChannel(
  target: { readonly url: string; readonly channel: string } | undefined,
  onPayload: (payload: unknown) => void,
  logger: LogSink,
): NotifyChannel {
  let client: pg.Client | undefined;
  const onNotification = (message: pg.Notification) => {
    let payload: unknown;
    try {
      payload = JSON.parse(message.payload ?? '');
    } catch {
      return;
    }
    onPayload(payload);
  };
  return {
    listening: () => client !== undefined,
    async listen() {
      if (target === undefined || client !== undefined) return;
      // Bounded: the heartbeat waits for this, and a server that does not answer must not stop the leases' renewal.
      const connecting = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5_000, keepAlive: true });
      connecting.on('notification', onNotification);
      connecting.on('error', () => {
        if (client === connecting) client = undefined;
      });
      try {
        await connecting.connect();
        await connecting.query(`LISTEN "${target.channel.replaceAll('"', '""')}"`);
        client = connecting;
      } catch (error) {
        logger.warn({ err: describeError(error) }, 'could not listen for hand-over requests; sessions move when leases run out');
        await connecting.end().catch(() => undefined);
      }
    },
    async notify(payload) {
      if (client === undefined || target === undefined) return;
      await client.query('SELECT pg_notify($1, $2)', [target.channel, JSON.stringify(payload)]).catch(() => undefined);
    },
    async close() {
      const closing = client;
      client = undefined;
      await closing?.end().catch(() => undefined);
    },
  };
}
