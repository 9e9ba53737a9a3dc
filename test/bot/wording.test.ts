import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, USER, buttonData, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

/* Words that fit what happened, read as sent, in English and in Brazilian Portuguese. */

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function app(languageCode: 'en' | 'pt-br', extra: Parameters<typeof startApp>[0] = {}): Promise<AppHarness> {
  h = await startApp({
    sessions: [
      { id: 'demo', name: 'Front desk', status: 'STOPPED' },
      { id: 'shop', name: 'Shop front desk at the corner of the main street', status: 'STOPPED', phoneNumber: '+5511987654321' },
    ],
    ...extra,
  });
  // The admin's Telegram speaks this language from the first message on.
  await h.say(ADMIN, '/help', { languageCode });
  return h;
}

describe.each([
  [
    'en',
    {
      seriesEnd: 'No one scanned it in time: WhatsApp ends a series after its last code.',
      typed: 'Nobody typed it on the phone in time.',
      sent: 'Sending a pairing code for Shop front desk at the corner of the main street (shop) to +55 •• ••••-4321',
      help: 'WhatsApp > Settings > Linked devices > Link a device',
      yours: 'Your sessions: Front desk (demo)',
    },
  ],
  [
    'pt-br',
    {
      seriesEnd: 'Ninguém escaneou a tempo: o WhatsApp encerra uma série depois do último código.',
      typed: 'Ninguém digitou no celular a tempo.',
      sent: 'Enviando um código de conexão de Shop front desk at the corner of the main street (shop) para +55 •• ••••-4321',
      help: 'WhatsApp > Configurações > Dispositivos conectados > Conectar um dispositivo',
      yours: 'Suas sessões: Front desk (demo)',
    },
  ],
] as const)('in %s', (languageCode, words) => {
  it("the end of a series is WhatsApp's normal end, not a failure", async () => {
    const harness = await app(languageCode);
    const reply = await harness.say(ADMIN, '/qr demo', { languageCode });
    await untilShowsCurrentCode(harness, reply, 'demo');
    for (let i = 0; i < 6; i++) harness.rotate('demo');
    await harness.until(() => reply.caption?.includes(words.seriesEnd), `the caption to say: ${words.seriesEnd}`);
    expect(reply.caption).not.toMatch(/failed|falhou/i);
  });

  it('a pairing code nobody used was not typed, not "scanned"; "Send the code" turns its question into what was done', async () => {
    const harness = await app(languageCode, { timings: { pairingLifetimeMs: 1_500, pairingCooldownMs: 300 } });
    const qr = await harness.say(ADMIN, '/qr shop', { languageCode });
    await untilShowsCurrentCode(harness, qr, 'shop');
    harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'qr:phone' });
    const offer = await harness.until(() => harness.tg.messages(ADMIN).find((m) => buttonData(m).includes(`pn:ok:${qr.messageId}`)), 'the offer');
    harness.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: offer.messageId, data: `pn:ok:${qr.messageId}` });
    await harness.until(() => offer.text?.startsWith(words.sent), `the offer to say: ${words.sent}`);
    expect(buttonData(offer)).toEqual([]);
    await harness.until(() => qr.caption?.includes(words.typed), `the lapsed code to say: ${words.typed}`, 10_000);
  });

  it('/sessions says each status once, above its sessions', async () => {
    const harness = await app(languageCode);
    const text = (await harness.say(ADMIN, '/sessions', { languageCode })).text ?? '';
    const stopped = text.split('\n').filter((line) => line.startsWith('⏹'));
    expect(stopped).toHaveLength(1);
    expect(text).toMatch(/⏹[^\n]*:\n• Front desk \(demo\)\n• Shop front desk at the corner[^\n]* \(shop\)/);
  });

  it("/help names the steps in the captions' own form, and /start names the sessions as captions do", async () => {
    const harness = await app(languageCode);
    await harness.store().grants.grant(USER, 'demo', ADMIN);
    expect((await harness.say(ADMIN, '/help', { languageCode })).text).toContain(words.help);
    expect((await harness.say(USER, '/start', { languageCode })).text).toContain(words.yours);
  });
});

it('a long session name on a button is cut at a word, with an ellipsis', async () => {
  const harness = await app('en');
  const list = await harness.say(ADMIN, '/sessions');
  const labels = list.replyMarkup?.inline_keyboard.flat().map((b) => b.text) ?? [];
  expect(labels).toContain('📷 Shop front desk at…');
  expect(labels).toContain('📷 Front desk');
});

describe.each([
  ['en', 'opened an invite link (the link was already used)'],
  ['pt-br', 'abriu um link de convite (o link já tinha sido usado)'],
] as const)('/audit in %s', (languageCode, sentence) => {
  it('tells outcomes in words, not codes', async () => {
    const harness = await app(languageCode);
    const invite = await harness.say(ADMIN, '/invite demo', { languageCode });
    const token = /start=([A-Za-z0-9_-]+)/.exec(invite.text ?? '')?.[1] ?? '';
    await harness.say(USER, `/start ${token}`);
    await harness.say(3003, `/start ${token}`);
    const audit = (await harness.say(ADMIN, '/audit', { languageCode })).text ?? '';
    expect(audit).toContain(sentence);
    expect(audit).not.toMatch(/\((used|ok|not_found)\)/);
  });
});
