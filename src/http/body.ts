import type { IncomingMessage } from 'node:http';

/** The request body is longer than allowed (answer 413). */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`Request body exceeds ${limitBytes} bytes`);
  }
}

/**
 * The request body did not arrive in time (answer 408 if still possible), the client went away, or the shared
 * byte budget is spent (`busy`: answer 503).
 */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  constructor(readonly reason: 'timeout' | 'aborted' | 'busy') {
    super(
      reason === 'timeout'
        ? 'Request body was not received in time'
        : reason === 'busy'
          ? 'Too many request bytes in flight'
          : 'Request was aborted while its body was read',
    );
  }
}

/** Bytes buffered by every body being read at once, and the most allowed. */
export interface ByteBudget {
  inFlight: number;
  readonly max: number;
}

/**
 * Reads the whole body as raw bytes, refusing it as soon as it passes `limitBytes` (by `Content-Length` before
 * reading, or while streaming) and giving up after `timeoutMs`.
 */
export function readBody(request: IncomingMessage, limits: { limitBytes: number; timeoutMs: number; budget?: ByteBudget }): Promise<Buffer> {
  const { limitBytes, timeoutMs, budget } = limits;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(new BodyTooLargeError(limitBytes));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let held = 0;
    const timer = setTimeout(() => finish(new BodyReadError('timeout')), timeoutMs);
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limitBytes) return finish(new BodyTooLargeError(limitBytes));
      if (budget !== undefined) {
        if (budget.inFlight + chunk.length > budget.max) return finish(new BodyReadError('busy'));
        budget.inFlight += chunk.length;
        held += chunk.length;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish();
    const onAborted = (): void => finish(new BodyReadError('aborted'));
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      if (budget !== undefined) budget.inFlight -= held;
      held = 0;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onAborted);
      request.off('close', onAborted);
      if (error === undefined) return resolve(Buffer.concat(chunks, received));
      // Discard the rest: the answer goes out now and the connection is closed after it.
      request.resume();
      reject(error);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onAborted);
    request.on('close', onAborted);
  });
}
