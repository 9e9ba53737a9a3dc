import { createWasendClient } from './client.js';
import type { GatewayHttpOptions } from './http.js';
import type { WasendApi } from './types.js';
import { createWahaClient } from './waha.js';
import { createEvolutionClient } from './evolution.js';

/** The gateways the bot speaks to (`GATEWAY`). */
export const GATEWAY_NAMES = ['wasend', 'waha', 'evolution'] as const;
export type GatewayName = (typeof GATEWAY_NAMES)[number];

/** What differs between gateways outside their HTTP client: names and the words of the start-up check. */
export interface Gateway {
  readonly name: GatewayName;
  /** How people call it: `Wasend`, `WAHA`. */
  readonly label: string;
  create(options: GatewayHttpOptions): WasendApi;
  /** Whether `/new` needs a phone number (Wasend's `phoneNumber`; WAHA takes none). */
  readonly newNeedsPhone: boolean;
  /** How long its codes live, when its answers carry no expiry: WAHA's 60 s then 20 s; Evolution's 45 s each. */
  readonly lifetimes: { readonly firstMs: number; readonly nextMs: number };
  /** Codes in one series: WAHA's 6; Evolution's `QRCODE_LIMIT` (default 30). */
  readonly seriesLength: number;
  /** The path a start-up probe asks to tell this gateway from others (with this gateway's auth header). */
  readonly probe: { readonly path: string; readonly headers: (apiKey: string) => Record<string, string> };
  /** The start-up message for a refused key. */
  refusedKey(baseUrl: string, status: number): string;
}

export const GATEWAYS: Readonly<Record<GatewayName, Gateway>> = {
  wasend: {
    name: 'wasend',
    label: 'Wasend',
    create: createWasendClient,
    newNeedsPhone: true,
    lifetimes: { firstMs: 60_000, nextMs: 20_000 },
    seriesLength: 6,
    probe: { path: '/sessions', headers: (apiKey) => ({ authorization: `Bearer ${apiKey}` }) },
    refusedKey: (baseUrl, status) =>
      `Wasend at ${baseUrl} refused WASEND_API_KEY (${status}): copy the API key from the Wasend dashboard into .env again.`,
  },
  waha: {
    name: 'waha',
    label: 'WAHA',
    create: createWahaClient,
    newNeedsPhone: false,
    lifetimes: { firstMs: 60_000, nextMs: 20_000 },
    seriesLength: 6,
    probe: { path: '/api/sessions?all=true', headers: (apiKey) => ({ 'x-api-key': apiKey }) },
    refusedKey: (baseUrl, status) =>
      `WAHA at ${baseUrl} refused GATEWAY_API_KEY (${status}): WAHA reads the key from the X-Api-Key header and takes it from its own WAHA_API_KEY; ` +
      'put that value in GATEWAY_API_KEY (WAHA 2025.10+ prints a generated key in its log when WAHA_API_KEY is not set, and makes a new one at every start).',
  },
  evolution: {
    name: 'evolution',
    label: 'Evolution API',
    create: createEvolutionClient,
    newNeedsPhone: false,
    lifetimes: { firstMs: 45_000, nextMs: 45_000 },
    seriesLength: 30,
    probe: { path: '/instance/fetchInstances', headers: (apiKey) => ({ apikey: apiKey }) },
    refusedKey: (baseUrl, status) =>
      `Evolution API at ${baseUrl} refused GATEWAY_API_KEY (${status}): it reads the key from the apikey header; use its AUTHENTICATION_API_KEY ` +
      '(the global key), or an instance token for that instance alone.',
  },
};
