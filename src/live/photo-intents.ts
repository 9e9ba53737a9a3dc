import { describeError } from '../shared/describe-error.js';
import type { PhotoIntent } from '../store/types.js';
import type { OpenerContext } from './open-context.js';

/** Message ids tried after a lost answer: the stray copy is one of the few messages sent since the command. */
export const MAX_STRAY_SPAN = 20;

/**
 * Photos being sent, recorded before the send and cleared once the message is stored: after a crash in between, the
 * photo sits in its chat showing a code nobody keeps true, and the next start (or another instance) retires it.
 */
export function createPhotoIntents(ctx: Pick<OpenerContext, 'photoIntents' | 'holder' | 'records' | 'messenger' | 'logger'>) {
  const { records, messenger, logger } = ctx;

  /** Puts the "replaced" view on every message of ours in (after, before) that no live record knows. */
  async function retireStrays(chatId: number, after: number, before: number, sessionId: string): Promise<number> {
    let retired = 0;
    for (let id = after + 1; id < before && id <= after + MAX_STRAY_SPAN; id += 1) {
      if (await records.isKnown(chatId, id)) continue;
      const result = await messenger.edit(chatId, id, { kind: 'retired', sessionId }).catch(() => 'failed' as const);
      if (result === 'ok' || result === 'not_modified') retired += 1;
    }
    if (retired > 0) logger.info({ chatId, retired }, 'retired a QR photo whose answer was lost');
    return retired;
  }

  async function recordIntent(intent: Omit<PhotoIntent, 'id'>): Promise<number | undefined> {
    try {
      return await ctx.photoIntents?.add(ctx.holder === undefined ? intent : { ...intent, holder: ctx.holder });
    } catch (error) {
      logger.error({ err: describeError(error) }, 'could not record a QR photo being sent');
      return undefined;
    }
  }

  async function clearIntent(id: number | undefined): Promise<boolean> {
    if (id === undefined) return false;
    try {
      return (await ctx.photoIntents?.clear(id)) ?? false;
    } catch (error) {
      logger.error({ err: describeError(error) }, 'could not clear a QR photo intent');
      return false;
    }
  }

  /**
   * After a restart: a photo recorded as being sent but never stored may sit in its chat showing a code nobody
   * keeps true. It is retired; the person is told to ask again.
   */
  async function sweepIntents(select: (intent: PhotoIntent) => boolean = () => true): Promise<void> {
    const intents = await (async () => {
      try {
        return (await ctx.photoIntents?.list()) ?? [];
      } catch (error) {
        logger.error({ err: describeError(error) }, 'could not read QR photos being sent');
        return [];
      }
    })();
    for (const intent of intents.filter(select)) {
      // Deleting it first claims it: of two instances sweeping at once, one retires the photo and tells the person.
      if (!(await clearIntent(intent.id))) continue;
      const retired = await retireStrays(intent.chatId, intent.afterMessageId, intent.afterMessageId + MAX_STRAY_SPAN + 1, intent.sessionId);
      if (retired > 0) {
        await messenger.notify?.(intent.chatId, { kind: 'restarted', sessionId: intent.sessionId }).catch(() => undefined);
      }
    }
  }

  return { recordIntent, clearIntent, sweepIntents, retireStrays };
}
