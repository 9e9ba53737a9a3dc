import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthReport } from './health.js';
import { singleHeader, UNAUTHORIZED, type WebhookOutcome } from './types.js';

/** Small pieces of the listener's exchanges: prechecks before a body is read, paths, and JSON answers. */

/** Evolution's JWT: a Bearer token of three parts, checked before the body is read. */
export function bearerPrecheck(headers: IncomingMessage['headers']): WebhookOutcome | undefined {
  return /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(singleHeader(headers, 'authorization') ?? '') ? undefined : UNAUTHORIZED;
}

/** Wasend's route: an `X-Webhook-Hmac` that is 128 hex digits, or 401 before the body is read. */
export function wasendPrecheck(headers: IncomingMessage['headers']): WebhookOutcome | undefined {
  const signature = singleHeader(headers, 'x-webhook-hmac')?.trim();
  return signature !== undefined && /^[0-9a-f]{128}$/i.test(signature) ? undefined : UNAUTHORIZED;
}

export function pathnameOf(rawUrl: string | undefined): string | undefined {
  if (rawUrl === undefined || !rawUrl.startsWith('/')) return undefined;
  return rawUrl.split(/[?#]/, 1)[0];
}

export function displayHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: Readonly<Record<string, unknown>> | HealthReport,
  options: { close?: boolean; drain?: IncomingMessage } = {},
): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(text));
  response.setHeader('cache-control', 'no-store');
  response.setHeader('x-content-type-options', 'nosniff');
  // After a refused body the rest of it is still on the wire: close rather than parse it as the next request.
  if (options.close) response.setHeader('connection', 'close');
  options.drain?.resume();
  response.end(text);
}
