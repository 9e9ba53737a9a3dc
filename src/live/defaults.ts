/** The live engine's defaults (see `LiveQrDeps` in types.ts) and its fixed limits. */
import type { LiveOwnership } from './types.js';

/** One instance keeps every session. */
export const SOLE_OWNER: LiveOwnership = { solo: true, run: (_sessionId, work) => work(), holds: () => true };

/** Default of {@link LiveQrDeps.codeWaitMs}. */
export const DEFAULT_CODE_WAIT_MS = 30_000;
/** Default of {@link LiveQrDeps.webhookPollFactor}. */
export const DEFAULT_WEBHOOK_POLL_FACTOR = 3;
/** Default of {@link LiveQrDeps.webhookFreshMs}: 5 minutes. */
export const DEFAULT_WEBHOOK_FRESH_MS = 300_000;
/** Default of {@link LiveQrDeps.finalEditGiveUpMs}: 10 minutes. */
export const DEFAULT_FINAL_EDIT_GIVE_UP_MS = 600_000;
/** Longest gap between two status-feed ticks by default. */
export const MAX_FEED_TICK_MS = 1_000;
/** Longest wait of `stop()` for work in flight. */
export const STOP_GRACE_MS = 3_000;
/** Longest time `stop()` spends marking live messages as paused. */
export const PAUSE_BUDGET_MS = 1_500;
/** Gap between two `getQr` calls while `open` waits for the first code. */
export const CODE_WAIT_STEP_MAX_MS = 1_000;
