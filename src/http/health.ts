import type { Transformer } from 'grammy';

/** One finished exchange with an outside service: `ok` false when it could not be reached or failed on its side. */
export interface ContactEvent {
  readonly ok: boolean;
  /** Epoch ms. */
  readonly at: number;
}

/** What `GET /healthz` answers. Holds no secret and no session data. */
export interface HealthReport {
  /** `ok` when the database answers and neither Wasend nor Telegram failed at their last (recent) contact. */
  readonly status: 'ok' | 'degraded';
  readonly database: { readonly ok: boolean };
  readonly wasend: ServiceHealth;
  readonly telegram: ServiceHealth;
  /** Seconds since the reporter was created (about the process uptime). */
  readonly uptimeS: number;
}

export interface ServiceHealth {
  /** False while the last contact failed and is not older than `staleAfterMs`. True when there was none yet. */
  readonly ok: boolean;
  /** ISO 8601 time of the last contact, successful or not; null before the first. */
  readonly lastContactAt: string | null;
}

/** Options of {@link createHealthReporter}. */
export interface HealthReporterOptions {
  readonly store: { ping(): Promise<boolean> };
  /** Default `Date.now`. */
  readonly now?: () => number;
  /**
   * A failed last contact stops making the report degraded after this long, ms. Default 600000 (10 min).
   * Nothing re-checks a service by itself, so without this one blip at night would keep `/healthz` at 503 until
   * someone happens to use the bot; the default is longer than three Wasend health checks (3 min each).
   */
  readonly staleAfterMs?: number;
}

export interface HealthReporter {
  /** Pass as the Wasend client's `onContact`. Bound: may be passed around unbound. */
  readonly recordWasendContact: (event: ContactEvent) => void;
  /** Feed from {@link createTelegramContactTransformer}. Bound. */
  readonly recordTelegram: (event: ContactEvent) => void;
  /** Pings the database now and sums up the last contacts. */
  readonly report: () => Promise<HealthReport>;
}

const DEFAULT_STALE_AFTER_MS = 600_000;

/** Keeps the last contact with each service and builds {@link HealthReport}s. */
export function createHealthReporter(options: HealthReporterOptions): HealthReporter {
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const startedAt = now();
  let wasend: ContactEvent | undefined;
  let telegram: ContactEvent | undefined;

  const keepLatest = (previous: ContactEvent | undefined, next: ContactEvent): ContactEvent =>
    previous !== undefined && previous.at > next.at ? previous : { ok: next.ok, at: next.at };

  const summarize = (contact: ContactEvent | undefined, at: number): ServiceHealth => ({
    ok: contact === undefined || contact.ok || at - contact.at > staleAfterMs,
    lastContactAt: contact === undefined ? null : new Date(contact.at).toISOString(),
  });

  const pingDatabase = async (): Promise<boolean> => {
    try {
      return (await options.store.ping()) === true;
    } catch {
      return false;
    }
  };

  return {
    recordWasendContact: (event) => {
      wasend = keepLatest(wasend, event);
    },
    recordTelegram: (event) => {
      telegram = keepLatest(telegram, event);
    },
    report: async () => {
      const at = now();
      const database = { ok: await pingDatabase() };
      const wasendHealth = summarize(wasend, at);
      const telegramHealth = summarize(telegram, at);
      const healthy = database.ok && wasendHealth.ok && telegramHealth.ok;
      return {
        status: healthy ? 'ok' : 'degraded',
        database,
        wasend: wasendHealth,
        telegram: telegramHealth,
        uptimeS: Math.max(0, Math.floor((at - startedAt) / 1000)),
      };
    },
  };
}

/**
 * A grammY API transformer that reports every Telegram call to `record`: ok on any answer from Telegram (an error
 * answer such as 400 or 403 included: Telegram was reached), not ok when the call failed on the wire. Calls aborted
 * by us (a long poll stopped at shutdown) are not reported. Install with `api.config.use(...)` after auto-retry, so
 * it sees the outcome after retries.
 */
export function createTelegramContactTransformer(record: (event: ContactEvent) => void, now: () => number = Date.now): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      record({ ok: true, at: now() });
      return result;
    } catch (error) {
      if (!signal?.aborted) record({ ok: false, at: now() });
      throw error;
    }
  };
}
