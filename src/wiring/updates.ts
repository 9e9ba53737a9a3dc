import { BotError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { AccessUnknownTeller, BotContext } from '../bot/context.js';
import type { Cluster } from '../cluster/cluster.js';
import { describeError } from '../shared/describe-error.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/types.js';
import { createUpdateInbox, type UpdateInbox } from '../telegram/inbox.js';
import { createPoller, type Poller } from '../telegram/poller.js';
import { updateChatId } from '../telegram/update-queue.js';
import type { Metrics } from '../shared/metrics.js';

export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export interface UpdatesWiring {
  readonly inbox: UpdateInbox;
  readonly poller: Poller;
  /** Takes over the updates that stopped instances took but never finished (at start: this one's own, too). */
  readonly recover: () => Promise<void>;
}

/**
 * Every update, by webhook or by poll, is taken in the database first (handled once across instances), then handled
 * after Telegram has its answer, many at once. Exactly one instance polls (the `poller` lease).
 */
export function wireUpdates(parts: {
  store: Store;
  cluster: Cluster;
  logger: Logger;
  bot: Bot<BotContext>;
  accessUnknown: AccessUnknownTeller;
  webhook: boolean;
  metrics: Metrics;
}): UpdatesWiring {
  const { store, cluster, logger, bot, accessUnknown } = parts;
  const inbox = createUpdateInbox({
    store: store.telegramUpdates,
    holder: cluster.instanceId,
    handle: async (update) => {
      parts.metrics.updateStarted(updateChatId(update));
      try {
        await bot.handleUpdate(update as Update);
      } catch (error) {
        // What grammY's own polling does: a handler's error goes to the bot's error handler (the apology, a log line).
        if (!(error instanceof BotError)) throw error;
        await bot.errorHandler(error as BotError<BotContext>);
      }
    },
    logger: logger.child({ module: 'updates' }),
    unrecorded: (update) => accessUnknown.unrecorded(update, bot.api),
  });
  const poller = createPoller({
    api: bot.api,
    inbox,
    allowedUpdates: ALLOWED_UPDATES,
    logger: logger.child({ module: 'poller' }),
    mayPoll: () => cluster.holds('poller'),
  });
  cluster.lead('poller', {
    gained: async () => {
      if (parts.webhook) return;
      // A webhook left over from another deployment would make getUpdates fail with 409.
      await bot.api.deleteWebhook();
      poller.start();
      logger.info({ username: bot.botInfo.username, instanceId: cluster.instanceId }, 'bot started (long polling)');
    },
    lost: () => poller.stop(),
  });
  let restarted = true;
  const recover = async () => {
    try {
      const alive = await cluster.aliveInstances();
      // At start nothing is in flight here: what this instance's id still holds is from before a crash.
      await inbox.recover(restarted ? alive.filter((id) => id !== cluster.instanceId) : alive);
      restarted = false;
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'could not look for unfinished Telegram updates');
    }
  };
  return { inbox, poller, recover };
}
