import { GrammyError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { createTelegramHealthNotifier, type HealthMessageApi } from '../../src/health/notifier.js';
import { loadCatalogue } from '../../src/i18n/catalogue.js';
import type { Watch } from '../../src/store/types.js';
import { createMemoryLogger } from '../support/memory-logger.js';

const i18n = loadCatalogue();

const watch: Watch = { userId: 7, chatId: 700, sessionId: 'sales-phone', createdAt: 0 };
const dropped = { sessionId: 'sales-phone', status: { state: 'stopped', raw: 'STOPPED' } } as const;

function fakeApi(fail?: () => Error): HealthMessageApi & { sent: Array<{ chatId: number; text: string; other: unknown }> } {
  const sent: Array<{ chatId: number; text: string; other: unknown }> = [];
  return {
    sent,
    async sendMessage(chatId, text, other) {
      if (fail) throw fail();
      sent.push({ chatId, text, other });
      return {};
    },
  };
}

const forbidden = () =>
  new GrammyError(
    "Call to 'sendMessage' failed!",
    { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    'sendMessage',
    {},
  );

describe('Telegram health notifier', () => {
  it('says plainly which session is no longer linked, with its status and a Send new QR button', async () => {
    const api = fakeApi();
    await createTelegramHealthNotifier(api, createMemoryLogger(), { i18n }).alertDown(watch, dropped);
    expect(api.sent).toHaveLength(1);
    const [message] = api.sent;
    expect(message?.chatId).toBe(700);
    expect(message?.text).toContain('sales-phone is no longer linked');
    expect(message?.text).toContain('STOPPED');
    expect(message?.other).toEqual({
      reply_markup: { inline_keyboard: [[{ text: 'Send new QR', callback_data: 'qr:pick:sales-phone' }]] },
    });
  });

  it("names the session and speaks the watcher's language", async () => {
    const api = fakeApi();
    const texts = {
      i18n,
      localeOf: (chatId: number) => (chatId === 700 ? ('pt-BR' as const) : ('en' as const)),
      label: (id: string) => `Vendas (${id})`,
    };
    await createTelegramHealthNotifier(api, createMemoryLogger(), texts).alertDown(watch, dropped);
    expect(api.sent[0]?.text).toBe(
      '⚠️ A sessão de WhatsApp Vendas (sales-phone) não está mais conectada (estado no Wasend: STOPPED).\nLeia um novo QR code para conectar o celular de novo.',
    );
    expect(api.sent[0]?.other).toEqual({ reply_markup: { inline_keyboard: [[{ text: 'Enviar novo QR', callback_data: 'qr:pick:sales-phone' }]] } });
  });

  it('names /qr instead of a button when the id is too long for callback data', async () => {
    const api = fakeApi();
    const longId = 'x'.repeat(100);
    await createTelegramHealthNotifier(api, createMemoryLogger(), { i18n }).alertDown(
      { ...watch, sessionId: longId },
      { sessionId: longId, status: { state: 'unknown', raw: 'NOT_FOUND' } },
    );
    expect(api.sent[0]?.text).toContain(`/qr ${longId}`);
    expect(api.sent[0]?.other).toEqual({});
  });

  it('sends one plain message when the session is back online', async () => {
    const api = fakeApi();
    await createTelegramHealthNotifier(api, createMemoryLogger(), { i18n }).alertUp(watch, {
      sessionId: 'sales-phone',
      status: { state: 'connected', raw: 'WORKING' },
    });
    expect(api.sent).toEqual([{ chatId: 700, text: '✅ WhatsApp session sales-phone is back online.', other: {} }]);
  });

  it('logs and swallows a blocked chat, but lets other failures through', async () => {
    const logger = createMemoryLogger();
    await expect(createTelegramHealthNotifier(fakeApi(forbidden), logger, { i18n }).alertDown(watch, dropped)).resolves.toBeUndefined();
    expect(logger.entries.map((e) => e.msg)).toEqual(['health alert not sent: the bot is blocked in that chat']);

    const broken = fakeApi(() => new Error('socket hang up'));
    await expect(createTelegramHealthNotifier(broken, logger, { i18n }).alertUp(watch, dropped)).rejects.toThrow('socket hang up');
  });
});
