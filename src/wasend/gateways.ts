import { createWasendClient } from './client.js';
import type { GatewayHttpOptions } from './http.js';
import type { WasendApi } from './types.js';
import { createWahaClient } from './waha.js';

/** The gateways the bot speaks to (`GATEWAY`). */
export const GATEWAY_NAMES = ['wasend', 'waha'] as const;
export type GatewayName = (typeof GATEWAY_NAMES)[number];

/** What differs between gateways outside their HTTP client: names and the words of the start-up check. */
export interface Gateway {
  readonly name: GatewayName;
  /** How people call it: `Wasend`, `WAHA`. */
  readonly label: string;
  create(options: GatewayHttpOptions): WasendApi;
  /** Whether `/new` needs a phone number (Wasend's `phoneNumber`; WAHA takes none). */
  readonly newNeedsPhone: boolean;
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
    probe: { path: '/sessions', headers: (apiKey) => ({ authorization: `Bearer ${apiKey}` }) },
    refusedKey: (baseUrl, status) => `Wasend at ${baseUrl} refused WASEND_API_KEY (${status}): copy the API key from the Wasend dashboard into .env again.`,
  },
  waha: {
    name: 'waha',
    label: 'WAHA',
    create: createWahaClient,
    newNeedsPhone: false,
    probe: { path: '/api/sessions?all=true', headers: (apiKey) => ({ 'x-api-key': apiKey }) },
    refusedKey: (baseUrl, status) =>
      `WAHA at ${baseUrl} refused GATEWAY_API_KEY (${status}): WAHA reads the key from the X-Api-Key header and takes it from its own WAHA_API_KEY; ` +
      'put that value in GATEWAY_API_KEY (WAHA 2025.10+ prints a generated key in its log when WAHA_API_KEY is not set, and makes a new one at every start).',
  },
};
