import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** A webhook request whose body has been read in full (exact bytes as received). */
export interface WebhookRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What a webhook handler decided: the answer, and work to run only after the answer was sent. */
export interface WebhookOutcome {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  /** Runs after the response (setImmediate); its errors are caught and logged. */
  readonly after?: () => void;
}

/** Same answer for every authentication failure, so a caller learns nothing about why. */
export const UNAUTHORIZED: WebhookOutcome = { status: 401, body: { error: 'unauthorized' } };

/** The one value of a header that may appear once; undefined when missing or repeated. */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** A path of the listener: the methods it answers, and how. */
export interface Route {
  readonly methods: readonly string[];
  readonly serve: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
}
