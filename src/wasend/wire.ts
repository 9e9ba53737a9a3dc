import { Agent, request } from 'undici';

/** One HTTP request of a gateway client: the method, the whole URL, the headers, a JSON body. */
export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

/** Its answer: the body read as it comes (the client counts its bytes), or dropped. */
export interface WireResponse {
  readonly status: number;
  header(name: string): string | undefined;
  readonly body: AsyncIterable<Uint8Array>;
  /** Drops the rest of the body, cutting the connection. */
  cancel(): Promise<void>;
  /** Reads a body nobody needs to its end (a small one keeps the connection for the next call). */
  discard(): Promise<void>;
}

/** How a gateway client reaches its server. */
export type Wire = (request: WireRequest) => Promise<WireResponse>;

/**
 * Connections kept between calls, shared by every gateway client of the process (as `fetch`'s global dispatcher
 * is). No cap on how many: a look waiting for a free connection would wait behind others whatever its lane, and the
 * request budget already bounds the rate.
 */
const kept = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });

/** The most of an unwanted body read to keep its connection. */
const DISCARD_LIMIT_BYTES = 64 * 1024;

/**
 * The gateway over undici's `request`: the same HTTP as `fetch` without the WHATWG streams and objects around it
 * (a `/qr` burst spent a tenth of its main-thread time in `fetch` and its streams).
 */
export const undiciWire: Wire = async (outgoing) => {
  const answer = await request(outgoing.url, {
    method: outgoing.method as 'GET',
    headers: outgoing.headers,
    ...(outgoing.body !== undefined ? { body: outgoing.body } : {}),
    signal: outgoing.signal,
    dispatcher: kept,
  });
  return {
    status: answer.statusCode,
    header: (name) => {
      const value = answer.headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
    body: answer.body,
    cancel: async () => {
      // A destroyed body reports an abort; nobody is reading it any more.
      answer.body.on('error', () => undefined);
      answer.body.destroy();
    },
    discard: () =>
      answer.body.dump({ limit: DISCARD_LIMIT_BYTES }).then(
        () => undefined,
        () => undefined,
      ),
  };
};

/** A `fetch` as the wire (tests that change what the server answers wrap one). */
export function fetchWire(fetchImpl: typeof fetch): Wire {
  return async (outgoing) => {
    const response = await fetchImpl(outgoing.url, {
      method: outgoing.method,
      headers: outgoing.headers,
      ...(outgoing.body !== undefined ? { body: outgoing.body } : {}),
      signal: outgoing.signal,
    });
    const body = response.body;
    const cancel = async () => void (await body?.cancel().catch(() => undefined));
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: (body ?? []) as AsyncIterable<Uint8Array>,
      cancel,
      discard: cancel,
    };
  };
}
