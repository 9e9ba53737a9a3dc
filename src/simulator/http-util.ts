/** Small HTTP helpers of the simulator's routes: answers, bodies, and who may call the controls. */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { SimRequestRecord } from './types.js';

export interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly record?: SimRequestRecord;
}

export const MAX_BODY_BYTES = 1024 * 1024;
export const HUGE_CHUNK_BYTES = 64 * 1024;
/** The request log keeps about the last 100k entries so a long-running simulator does not grow without bound. */
export const MAX_REQUEST_LOG = 100_000;

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function send(exchange: Exchange, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (exchange.record) exchange.record.status = status;
  if (exchange.res.headersSent || exchange.res.destroyed) return;
  exchange.res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  exchange.res.end(body);
}

export function sendJson(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(exchange, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

export function routeNotFound(exchange: Exchange, method: string, path: string): void {
  sendJson(exchange, 404, { message: `Cannot ${method} ${path}`, error: 'Not Found', statusCode: 404 });
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): unknown {
  try {
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'session'
  );
}

/**
 * Starts a Wasend-compatible HTTP server on loopback. Session states are computed from timestamps on each
 * request, so thousands of sessions cost no timers; only a configured webhook schedules (unref'd) timers.
 */

export const badRequest = (exchange: Exchange, message: string): void =>
  sendJson(exchange, 400, { message: [message], error: 'Bad Request', statusCode: 400 });
