import { describeError } from '../shared/describe-error.js';
import type { LogSink } from '../shared/logger.js';
import { sendJson } from './exchange.js';
import { secretsMatch } from './telegram-webhook.js';
import { singleHeader, type Route } from './types.js';

/**
 * `GET /metrics`: the Prometheus text format, for a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`
 * (compared in constant time). Anything else gets 401 and no detail.
 */
export function metricsRoute(
  metrics: { readonly token: string; readonly contentType: string; readonly text: () => Promise<string> },
  logger: LogSink,
): Route {
  return {
    methods: ['GET'],
    serve: async (request, response) => {
      const given = /^Bearer (.+)$/.exec(singleHeader(request.headers, 'authorization') ?? '')?.[1];
      if (!secretsMatch(given, metrics.token)) {
        response.setHeader('www-authenticate', 'Bearer');
        return sendJson(response, 401, { error: 'unauthorized' });
      }
      let text: string;
      try {
        text = await metrics.text();
      } catch (error) {
        logger.error({ err: describeError(error) }, 'metrics could not be collected');
        return sendJson(response, 500, { error: 'internal' });
      }
      response.statusCode = 200;
      response.setHeader('content-type', metrics.contentType);
      response.setHeader('cache-control', 'no-store');
      response.setHeader('content-length', Buffer.byteLength(text));
      response.end(text);
    },
  };
}
