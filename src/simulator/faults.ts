/** Faults a test injects: error statuses, slow or reset answers, garbage and huge bodies. */
import { STATUS_CODES } from 'node:http';
import type { World } from './world.js';
import type { SimFault } from './types.js';
import { HUGE_CHUNK_BYTES, send, type Exchange } from './http-util.js';

export const streamHuge = async (exchange: Exchange, bytes: number): Promise<void> => {
  const { res } = exchange;
  if (exchange.record) exchange.record.status = 200;
  res.writeHead(200, { 'content-type': 'application/json' });
  const head = bytes >= 11 ? '{"data":"' : '';
  const tail = bytes >= 11 ? '"}' : '';
  let left = bytes - head.length - tail.length;
  const chunk = Buffer.alloc(HUGE_CHUNK_BYTES, 'A');
  if (head) res.write(head);
  while (left > 0 && !res.destroyed) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end(tail);
};

/** Returns true when the fault answered the request. */
export const applyFault = async (w: World, exchange: Exchange, fault: SimFault): Promise<boolean> => {
  switch (fault.kind) {
    case 'status': {
      const body = fault.body ?? JSON.stringify({ message: STATUS_CODES[fault.status] ?? 'Error', statusCode: fault.status });
      const isJson = /^\s*[{[]/.test(body);
      send(exchange, fault.status, body, {
        'content-type': isJson ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
        ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}),
      });
      return true;
    }
    case 'slow':
      await w.delay(fault.delayMs);
      return exchange.res.destroyed;
    case 'garbage':
      send(exchange, 200, '<!DOCTYPE html><html><body><h1>502 upstream hiccup</h1></body></html>', {
        'content-type': 'application/json',
      });
      return true;
    case 'reset':
      exchange.req.socket.destroy();
      return true;
    case 'huge':
      await streamHuge(exchange, fault.bytes);
      return true;
    case 'bad-image':
      return false;
  }
};
