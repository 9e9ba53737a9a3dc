import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessVerdict } from '../live/access-verdict.js';
import { describeError } from '../shared/describe-error.js';
import type { LogSink } from '../shared/logger.js';
import { initDataKey, verifyInitData, type InitDataUser } from '../telegram/init-data.js';
import { sendJson } from './exchange.js';
import { singleHeader, type Route } from './types.js';

/**
 * The live view (Telegram Mini App) at `/app/`: a page of our own (no third-party origin, a strict CSP), and its API.
 * Every API request carries Telegram's launch data in `Authorization: tma <init data>` (never in a URL, so never in
 * an access log), validated with the bot token's key and `maxAgeS`; access is checked at every request and before
 * every update sent down the stream.
 */
export interface MiniAppOptions {
  readonly botToken: string;
  readonly maxAgeS: number;
  /** May the user use the session now? Throws when the store cannot say (then nothing new is shown, nothing ended). */
  readonly mayUse: (userId: number, sessionId: string) => Promise<boolean>;
  /** The page's words in the user's language. */
  readonly texts: (user: InitDataUser) => Promise<Readonly<Record<string, string>>>;
  /** What the user's newest live message of the session shows now: a key that changes with it, and its face. */
  readonly current: (user: InitDataUser) => (sessionId: string) => Promise<{ key: unknown; face: Readonly<Record<string, unknown>> } | undefined>;
  /** Calls `changed` whenever that message shows something new; returns the unsubscribe. */
  readonly follow: (userId: number, sessionId: string, changed: () => void) => () => void;
  /** "New QR" on the page: a fresh code in the user's message. `text` says why not. */
  readonly renew: (user: InitDataUser, sessionId: string) => Promise<{ readonly ok: boolean; readonly text?: string }>;
  /** Access is asked again this often while a stream is open, ms (a revoke ends it within this). Default 2000. */
  readonly recheckMs?: number;
  /** A line down an idle stream this often, ms (below the listener's idle timeout). Default 5000. */
  readonly heartbeatMs?: number;
  readonly now?: () => number;
}

export const MINI_APP_PREFIX = '/app/';
const ASSETS = new URL('../../app/', import.meta.url);
const PAGES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/app/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};
/** Nothing but this origin: no CDN, no inline script, images from data URLs. Telegram's web client frames the page. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors https://web.telegram.org https://*.telegram.org',
].join('; ');

/** The live view's routes by path. */
export function miniAppRoutes(options: MiniAppOptions, logger: LogSink): Map<string, Route> {
  const key = initDataKey(options.botToken);
  const now = options.now ?? Date.now;
  const routes = new Map<string, Route>();
  for (const [path, page] of Object.entries(PAGES)) {
    const body = readFileSync(new URL(page.file, ASSETS));
    routes.set(path, {
      methods: ['GET', 'HEAD'],
      serve: async (request, response) => {
        secureHeaders(response);
        response.setHeader('content-type', page.type);
        response.setHeader('content-length', body.length);
        response.end(request.method === 'HEAD' ? undefined : body);
      },
    });
  }

  // `/app` (no slash) goes to the page, keeping its query; the fragment stays with the browser.
  routes.set('/app', {
    methods: ['GET', 'HEAD'],
    serve: async (request, response) => {
      response.writeHead(308, { location: `/app/${(request.url ?? '').slice('/app'.length)}`, 'cache-control': 'no-store' }).end();
    },
  });

  /** The user the launch data names, and the session asked for; or the refusal already sent. */
  const authenticate = (request: IncomingMessage, response: ServerResponse): { user: InitDataUser; sessionId: string } | undefined => {
    const raw = /^tma (.+)$/.exec(singleHeader(request.headers, 'authorization') ?? '')?.[1];
    const verdict = raw === undefined ? ({ ok: false, reason: 'malformed' } as const) : verifyInitData(raw, key, options.maxAgeS, now());
    if (!verdict.ok) {
      response.setHeader('www-authenticate', 'tma');
      sendJson(response, 401, { error: 'unauthorized', reason: verdict.reason }, { drain: request });
      return undefined;
    }
    const sessionId = new URL(request.url ?? '/', 'http://x').searchParams.get('s') ?? '';
    if (!/^[\w.@:-]{1,128}$/.test(sessionId)) {
      sendJson(response, 400, { error: 'bad_session' }, { drain: request });
      return undefined;
    }
    return { user: verdict.user, sessionId };
  };

  /** 'yes', 'no' or 'unknown' (the store does not answer): never read as either. */
  const verdictOf = (userId: number, sessionId: string) => accessVerdict(() => options.mayUse(userId, sessionId), sessionId, logger);

  /** Refuses a request whose user may not see the session (403), or cannot be told (503); true when it may go on. */
  const admitted = async (request: IncomingMessage, response: ServerResponse, userId: number, sessionId: string): Promise<boolean> => {
    const verdict = await verdictOf(userId, sessionId);
    if (verdict === 'yes') return true;
    sendJson(response, verdict === 'no' ? 403 : 503, { error: verdict === 'no' ? 'forbidden' : 'access_unknown' }, { drain: request });
    return false;
  };

  routes.set('/app/api/live', {
    methods: ['GET'],
    serve: async (request, response) => {
      const who = authenticate(request, response);
      if (who === undefined || !(await admitted(request, response, who.user.id, who.sessionId))) return;
      await streamView(response, who.user, who.sessionId);
    },
  });

  routes.set('/app/api/renew', {
    methods: ['POST'],
    serve: async (request, response) => {
      const who = authenticate(request, response);
      if (who === undefined || !(await admitted(request, response, who.user.id, who.sessionId))) return;
      const result = await options.renew(who.user, who.sessionId);
      sendJson(response, result.ok ? 200 : 409, { ok: result.ok, ...(result.text !== undefined ? { text: result.text } : {}) }, { drain: request });
    },
  });

  /** Newline-delimited JSON: `hello` with the page's words, then `face` (or `none`) on every change, `ping`, and `refused` at the end. */
  async function streamView(response: ServerResponse, user: InitDataUser, sessionId: string): Promise<void> {
    const current = options.current(user);
    let lastKey: unknown = Symbol('nothing sent');
    let running: Promise<void> | undefined;
    let again = false;
    let ended = false;
    let unfollow: (() => void) | undefined;
    let recheck: NodeJS.Timeout | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    /** The end, whoever comes first: the person leaves, access ends, or the listener closes. */
    const stop = (): void => {
      if (ended) return;
      ended = true;
      unfollow?.();
      clearInterval(recheck);
      clearInterval(heartbeat);
      response.end();
      finish();
    };
    response.on('close', stop);

    response.statusCode = 200;
    secureHeaders(response);
    response.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('x-accel-buffering', 'no');
    response.flushHeaders();
    const write = (line: Readonly<Record<string, unknown>>) => void (ended || response.write(`${JSON.stringify(line)}\n`));
    write({ type: 'hello', now: now(), texts: await options.texts(user) });

    /** Access first, then the face; one look at a time, and one more when asked during it. */
    const look = async (): Promise<void> => {
      const verdict = await verdictOf(user.id, sessionId);
      if (ended) return;
      if (verdict === 'no') {
        write({ type: 'refused' });
        return stop();
      }
      if (verdict === 'unknown') return;
      const seen = await current(sessionId);
      if (ended || seen?.key === lastKey) return;
      lastKey = seen?.key;
      write(seen === undefined ? { type: 'none' } : { type: 'face', face: seen.face });
    };
    const poke = () => {
      if (ended) return;
      if (running !== undefined) return void (again = true);
      running = look()
        .catch((error: unknown) => logger.warn({ err: describeError(error) }, 'live view: a look failed'))
        .finally(() => {
          running = undefined;
          if (again) {
            again = false;
            poke();
          }
        });
    };
    if (!ended) {
      unfollow = options.follow(user.id, sessionId, poke);
      recheck = setInterval(poke, options.recheckMs ?? 2_000);
      heartbeat = setInterval(() => write({ type: 'ping' }), options.heartbeatMs ?? 5_000);
      poke();
    }
    await done;
  }

  return routes;
}

function secureHeaders(response: ServerResponse): void {
  response.setHeader('cache-control', 'no-store');
  response.setHeader('content-security-policy', CSP);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
}
