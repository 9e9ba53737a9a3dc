import type { Config } from '../config/config.js';
import type { CodeLifetimes } from '../live/schedule.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';

export interface AppOptions {
  readonly logger: Logger;
  /** Fetch for Wasend calls; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** How long `/qr` waits for Wasend to show a first code before answering "no code yet", in ms. Default 30000 (for tests). */
  readonly codeWaitMs?: number;
  /** How long codes live when Wasend sends no expiry (tests against a sped-up simulator), in ms. Default WAHA's 60 s / 20 s. */
  readonly codeLifetimes?: CodeLifetimes;
  /** Least time between two pairing codes for one session, in ms. Default 60000 (tests shorten it). */
  readonly pairingCooldownMs?: number;
  /** How long a pairing code is shown, in ms. Default 160000 (tests shorten it). */
  readonly pairingLifetimeMs?: number;
  /** How long a `/delete` confirm button works, in ms. Default 60000 (tests shorten it). */
  readonly confirmWindowMs?: number;
  /** Opens the store; default the one the config names (tests put a failing disk in front of it). */
  readonly openStore?: (config: Config) => Promise<Store>;
}
