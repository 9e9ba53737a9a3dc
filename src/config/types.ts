import type { GatewayName } from '../wasend/gateways.js';

/** The bot's whole configuration, parsed once at start by `createConfig`. Units are in the names. */
export interface Config {
  readonly telegram: {
    /** Bot token from BotFather (secret). */
    readonly token: string;
    /** Bot API root, default `https://api.telegram.org`. */
    readonly apiRoot: string;
    /**
     * Telegram's limits the outgoing queue keeps to: messages a second for the whole bot, and a minute into one
     * group. Default 30 and 20 (Telegram's own); tests that talk to a fake Telegram raise them.
     */
    readonly limits?: { readonly perSecond: number; readonly perGroupPerMinute: number };
    /** Send QR photos with `protect_content` (no forwarding or saving). Default true. */
    readonly protectContent: boolean;
    /** Webhook mode when both are set; long polling otherwise. */
    readonly webhook?: { readonly url: string; readonly secret: string };
    /** How long the start waits for Telegram to answer before it gives up with a message, in ms. Default 60000. */
    readonly connectTimeoutMs?: number;
  };
  /** Which gateway the sessions live on (`GATEWAY`): Wasend (absent, the default) or self-hosted WAHA. */
  readonly gateway?: GatewayName;
  /** The gateway (`GATEWAY_*`; with Wasend, `WASEND_*` too). */
  readonly wasend: {
    /** API root, default `https://api.wasend.dev`. */
    readonly baseUrl: string;
    /** Bearer key (secret). */
    readonly apiKey: string;
    /** Timeout of each single HTTP attempt. Default 15000. */
    readonly timeoutMs: number;
    /** Retries of a GET after the first attempt. Default 3. */
    readonly maxRetries: number;
    /**
     * Gap between looks at a live QR whose rotation time is not known yet, and between status looks at each
     * session when Wasend has no list. Default 2000.
     */
    readonly pollIntervalMs: number;
    /** Cap on all Wasend calls together, requests per second (bursts of twice that, at least 50). Default 50. */
    readonly maxRps: number;
    /**
     * The webhook secret (`GATEWAY_WEBHOOK_SECRET`): the HMAC-SHA512 key of `POST /webhooks/<gateway>`, and the path
     * secret of `POST /webhooks/<gateway>/<secret>` for senders that cannot sign. The endpoints are off without it.
     */
    readonly webhookSecret?: string;
  };
  /** Telegram user ids with every right. */
  readonly adminIds: ReadonlySet<number>;
  /** SQLite file, used when `databaseUrl` is not set. Default `./data/wasend-qr-bot.sqlite`. */
  readonly databasePath: string;
  /**
   * `postgres://...`: keep everything in PostgreSQL instead, so several instances can share it (secret: it may
   * carry a password). Unset: the embedded SQLite file.
   */
  readonly databaseUrl?: string;
  /** This instance's name among several (on PostgreSQL). Default `<host>-<pid>-<random>`. */
  readonly instanceId?: string;
  /** pino level. Default `info`. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly http: {
    /** The listener for webhooks and `/healthz`; off when unset. */
    readonly port?: number;
    /** Default `0.0.0.0`. */
    readonly host: string;
    /** `GET /metrics` answers a scraper sending `Authorization: Bearer <this>` (secret); off when unset. */
    readonly metricsToken?: string;
    /**
     * Where the listener is reachable from outside (https), without a trailing slash: live QR messages get an "Open
     * live view" button to the Mini App at `<publicUrl>/app/`. Off when unset.
     */
    readonly publicUrl?: string;
    /** The Mini App's launch data is refused once its `auth_date` is older than this, s. Default 3600. */
    readonly miniAppMaxAgeS?: number;
  };
  /** How long an invite link stays valid. Default 24 h. */
  readonly inviteTtlMs: number;
  /** How long one live QR message is watched before it says expired. Default 10 min. */
  readonly qrWatchTimeoutMs: number;
  /**
   * Worker threads that draw QR images (0: draw on the main thread). Default 1: fifty codes at once reach
   * their chats sooner and the event loop stays free for people (`npm run bench -- qr-latency`).
   */
  readonly renderThreads?: number;
  /** Live QR messages one user (not an admin) may have at once. Default 10. */
  readonly livePerUser?: number;
  /** `/qr`, `/status` and QR button presses one user (not an admin) may make a minute; 0: no limit. Default 20. */
  readonly requestsPerMinute?: number;
  /** How often watched (linked) sessions are checked for health alerts. Default 3 min. */
  readonly healthCheckIntervalMs: number;
}
