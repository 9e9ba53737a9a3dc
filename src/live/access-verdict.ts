import type { LogSink } from '../shared/logger.js';

/** An access check's answer: `unknown` when the store could not say (never read as yes, nor as no). */
export type AccessVerdict = 'yes' | 'no' | 'unknown';

/** Asks the access rule (`check`) at the moment of action; a failed read is `unknown` and logged, never a refusal. */
export async function accessVerdict(
  check: () => boolean | Promise<boolean>,
  sessionId: string,
  logger: Pick<LogSink, 'warn'>,
): Promise<AccessVerdict> {
  try {
    return (await check()) ? 'yes' : 'no';
  } catch (error) {
    logger.warn({ err: error, sessionId }, 'access unknown: the store does not answer; nothing new is shown, nothing ended');
    return 'unknown';
  }
}
