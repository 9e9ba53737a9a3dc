import { classifyTelegramAnswer } from '../telegram/errors.js';
import type { BotApiTransport } from '../telegram/transport.js';
import { sendUploadsAsOneBody } from '../telegram/uploads.js';
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Api, type BotError, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from '../shared/logger.js';
import { AccessUnknownError } from '../access/access-rule.js';
import { createAccessGate } from './access.js';
import { createUserRateLimit, DEFAULT_REQUESTS_PER_MINUTE } from './rate-limit.js';
import type { BotContext, BotDeps } from './context.js';
import { describeError } from '../shared/describe-error.js';
import { adminFeature } from './features/admin.js';
import { callbacksFeature } from './features/callbacks.js';
import { cancelFeature } from './features/cancel.js';
import { groupFeature, groupMembershipFeature } from './features/group.js';
import { createLifecycleFeature } from './features/lifecycle.js';
import { createPairingFeature } from './features/pairing.js';
import { qrFeature } from './features/qr.js';
import { relinkFeature } from './features/relink.js';
import { sessionsFeature } from './features/sessions.js';
import { privateFallback, startHelpFeature } from './features/start-help.js';
import { statusFeature } from './features/status.js';
import { watchFeature } from './features/watch.js';
import { languageFeature } from './features/language.js';
import { localeMiddleware } from './locale.js';

/** Bot API methods that create a message: repeating one after a lost answer may deliver it twice. */
const SENDS_A_MESSAGE = /^(send(?!ChatAction)|forward|copy)/;

export interface CreateBotOptions {
  /** Skips `getMe` in `bot.init()` (tests). */
  readonly botInfo?: UserFromGetMe;
  /** The Bot API's HTTP client (the app's kept connections, uploads in one body); default grammY's. */
  readonly transport?: BotApiTransport;
}

/**
 * Retries what is safe to retry, briefly (a QR code lives 20 s, so waiting long is useless): a 429 (Telegram
 * did not carry the call out) always, a 5xx only for calls that change nothing when repeated (edits, answers,
 * reads). A call that sends a message is never repeated when its outcome is unknown: Telegram may have
 * delivered it, and the user would get the photo twice. A lost connection is never retried here (auto-retry
 * would do so without limit; the live QR watcher re-edits and the runner re-polls by themselves).
 * Also logs failed `getUpdates` calls, which the runner would otherwise print raw (with the token in the URL).
 */
export function configureApi(api: Api, logger: Logger, uploads?: Transformer): void {
  // Innermost: retries, the outbox and the metrics see an upload as any other call.
  if (uploads) api.config.use(uploads);
  const sends = autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5, rethrowHttpErrors: true, rethrowInternalServerErrors: true });
  const repeatable = autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5, rethrowHttpErrors: true });
  api.config.use((prev, method, payload, signal) => (SENDS_A_MESSAGE.test(method) ? sends : repeatable)(prev, method, payload, signal));
  // Answering a button press only stops its spinner. A press older than about 15 s (slow handling, or one
  // redelivered after a restart) cannot be answered any more, and that must not stop what the press asked for.
  api.config.use(async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method === 'answerCallbackQuery' && !response.ok && classifyTelegramAnswer(response.error_code, response.description) === 'stale_query') {
      logger.debug({ method, description: response.description }, 'button press could not be answered any more');
      return { ok: true, result: true } as unknown as typeof response;
    }
    return response;
  });
  api.config.use(async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      if (method === 'getUpdates' && !signal?.aborted) logger.warn({ err: describeError(error) }, 'getUpdates failed');
      throw error;
    }
  });
}

/** The grammY bot with every feature installed; the caller starts it (long polling or webhook). */
export function createBot(deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const { config, logger } = deps;
  const bot = new Bot<BotContext>(config.telegram.token, {
    client: { apiRoot: config.telegram.apiRoot, ...(options.transport ? { fetch: options.transport.fetch } : {}) },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
  });
  configureApi(bot.api, logger, options.transport && sendUploadsAsOneBody(options.transport, config.telegram.apiRoot, config.telegram.token));

  // Order is kept only where it matters: presses on one message run one after the other. Commands run at
  // once, so a /qr waiting up to 30 s for a first code never holds /cancel or /status in that chat.
  bot.use(sequentialize(messageOfPress));
  const allow = createUserRateLimit(config.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE);
  bot.use((ctx, next) => {
    ctx.deps = deps;
    ctx.allowRequest = () => allow(ctx);
    ctx.log = logger.child({ updateId: ctx.update.update_id });
    return next();
  });
  bot.use(localeMiddleware);
  bot.use(groupMembershipFeature);
  bot.use(createAccessGate());
  bot.use(
    startHelpFeature,
    languageFeature,
    qrFeature,
    relinkFeature,
    createPairingFeature(),
    statusFeature,
    sessionsFeature,
    adminFeature,
    createLifecycleFeature(),
  );
  bot.use(cancelFeature, watchFeature, callbacksFeature, groupFeature, privateFallback);

  bot.catch((error) => handleError(error, logger));
  return bot;
}

/** The message a button press belongs to (`chat:message`), or nothing for everything else. */
function messageOfPress(ctx: BotContext): string | undefined {
  const message = ctx.callbackQuery?.message;
  if (message !== undefined) return `${message.chat.id}:${message.message_id}`;
  return ctx.callbackQuery?.inline_message_id;
}

async function handleError(error: BotError<BotContext>, logger: Logger): Promise<void> {
  const { ctx } = error;
  if (error.error instanceof AccessUnknownError) {
    // Checked at the moment of action and the store did not answer: nothing was shown, nothing taken away.
    (ctx.log ?? logger).warn({ err: error.error.cause, updateId: ctx.update.update_id }, 'access unknown: the store does not answer');
    await ctx.deps.accessUnknown.tell(ctx).catch(() => undefined);
    return;
  }
  (ctx.log ?? logger).error({ err: describeError(error.error), updateId: ctx.update.update_id }, 'update failed');
  const text = ctx.t?.('something-wrong') ?? ctx.deps.i18n.t('en', 'something-wrong');
  try {
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text }).catch(() => ctx.reply(text));
    } else if (ctx.chat) {
      await ctx.reply(text);
    }
  } catch {
    // The chat may be gone or the bot blocked; the error is logged above.
  }
}
