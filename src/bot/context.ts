import type { Api, Context } from 'grammy';
import type { AccessRule } from '../access/access-rule.js';
import type { Config } from '../config/config.js';
import type { HealthMonitor } from '../health/types.js';
import type { Catalogue, Locale, Translate } from '../i18n/catalogue.js';
import type { SessionNames } from '../wasend/names.js';
import type { LiveQr } from '../live/types.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import type { WasendApi } from '../wasend/types.js';
import type { Relink } from './relink-face.js';

/** Everything the bot's handlers use; built once by `createApp`. */
export interface BotDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly wasend: WasendApi;
  readonly liveQr: LiveQr;
  /** The health monitor, told the state of a session when someone starts watching it. */
  readonly health?: Pick<HealthMonitor, 'baseline'>;
  /** How long a `/delete` confirmation button works, in ms. Default 60000. */
  readonly confirmWindowMs?: number;
  /** Every text the bot sends, in every shipped language. */
  readonly i18n: Catalogue;
  /** Session names learnt from Wasend, for messages that name a session. */
  readonly names: SessionNames;
  /** Says "I can't check access right now" when the store does not answer (at most once a minute a person). */
  readonly accessUnknown: AccessUnknownTeller;
  /** The one access rule: who is an admin, who may use which session (read at the moment of action). */
  readonly accessRule: AccessRule;
  /** `/relink` walks: one message that goes through every unlinked session. */
  readonly relink: Relink;
}

/** What the sender of the current update may do, loaded before any handler runs. */
export interface Access {
  readonly userId: number;
  readonly isAdmin: boolean;
  /** Granted session ids, sorted (admins may use every session, listed or not). */
  readonly granted: readonly string[];
  /** True for admins, or when the store holds a grant (read at call time, so a revoke on any instance applies at once). */
  canUse(sessionId: string): Promise<boolean>;
}

interface Extras {
  deps: BotDeps;
  /** A child logger carrying the update id. */
  log: Logger;
  /** Set by the access gate, which runs before every feature; updates without a sender never get past it. */
  access: Access;
  /** Spends one of the user's Wasend-backed requests; false (the user was told) when over the limit. */
  allowRequest(): Promise<boolean>;
  /** The sender's language: the one they chose with /language, else their Telegram client's, else English. */
  locale: Locale;
  /** A text of the catalogue in the sender's language. */
  t: Translate;
}

/** The one context type of the bot. */
export type BotContext = Context & Extras;

/**
 * When the store does not answer, access cannot be known: nothing new is shown, nothing is taken away, and the
 * person hears "I can't check access right now" at most once a minute (a flood during an outage costs nothing).
 */
export interface AccessUnknownTeller {
  /** Tells the sender of the current update that access cannot be checked now. */
  tell(ctx: BotContext): Promise<void>;
  /**
   * For an update the database could not even record: a private message or a button press is answered at once
   * (in the sender's Telegram language; their chosen one is in the store that does not answer), anything else is
   * dropped. Nothing of the update is run.
   */
  unrecorded(update: unknown, api: Api): Promise<void>;
}
