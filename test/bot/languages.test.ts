import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, STRANGER, USER, buttonData, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const start = async () => {
  h = await startApp({
    sessions: [
      { id: 'demo', name: 'Front desk', status: 'STOPPED' },
      { id: 'shop', status: 'STOPPED' },
    ],
  });
  await h.store().grants.grant(USER, 'demo', ADMIN);
};

describe("the user's language", () => {
  it("answers in the Telegram client's language, and /language switches it for good (restart included)", async () => {
    await start();
    const help = await h.say(USER, '/help', { languageCode: 'pt-br' });
    expect(help.text).toContain('Eu envio os QR codes de pareamento do WhatsApp');
    expect((await h.say(USER, '/qr nope', { languageCode: 'es-419' })).text).toBe('No tienes acceso a esa sesión.');

    const pick = await h.say(USER, '/language');
    expect(buttonData(pick)).toEqual(['lang:en', 'lang:pt-BR', 'lang:es', 'lang:id']);
    h.tg.pressButton({ userId: USER, chatId: USER, messageId: pick.messageId, data: 'lang:id' });
    await h.until(
      () => h.tg.messages(USER).find((m) => m.text === 'Mulai sekarang saya menulis kepada Anda dalam bahasa Indonesia.'),
      'the Indonesian confirmation',
    );
    await h.restart();
    // Telegram still says Spanish: the choice wins, and survives the restart.
    expect((await h.say(USER, '/cancel', { languageCode: 'es' })).text).toBe('Tidak ada kode QR langsung yang bisa dihentikan di sini.');
    expect((await h.say(USER, '/language en')).text).toBe('I will write to you in English from now on.');
    expect((await h.say(USER, '/language klingon')).text).toBe('I do not speak "klingon" yet. Usage: /language (or /language pt-BR, es, id, en)');
  });

  it("puts the live message in the reader's language: caption and buttons", async () => {
    await start();
    const qr = await h.say(USER, '/qr demo', { languageCode: 'pt-BR' });
    await untilShowsCurrentCode(h, qr, 'demo');
    expect(qr.caption).toMatch(/^📱 Front desk \(demo\): código 1 de 6\n/);
    expect(qr.caption).toContain('No celular: WhatsApp > Configurações > Dispositivos conectados');
    expect(qr.caption).toMatch(/Vale por (cerca de )?(\d+ s|\d+ min), até \d\d:\d\d:\d\d UTC\./);
    expect(qr.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['🔄 Atualizar', '✖ Cancelar', '📱 Usar número de telefone']);
    h.sim.scan('demo');
    await h.until(() => qr.caption === '✅ Conectado: Front desk (demo) está conectada.', 'Connected in Portuguese');
  });

  it("registers the command menu in every language, and the admin menu in the admin's own", async () => {
    await start();
    const calls = h.tg.callsTo('setMyCommands');
    const menu = (language?: string) =>
      calls.find((c) => c.params.language_code === language && c.params.scope === undefined)?.params.commands as
        Array<{ command: string; description: string }> | undefined;
    expect(menu(undefined)?.find((c) => c.command === 'qr')?.description).toBe('Live WhatsApp QR code for a session');
    expect(menu('pt')?.find((c) => c.command === 'qr')?.description).toBe('QR code ao vivo do WhatsApp de uma sessão');
    expect(menu('es')?.find((c) => c.command === 'language')?.description).toBe('El idioma en el que escribo');
    expect(menu('id')?.map((c) => c.command)).toEqual(menu(undefined)?.map((c) => c.command));
    const admin = calls.find((c) => JSON.stringify(c.params.scope ?? {}).includes(String(ADMIN)));
    expect((admin?.params.commands as Array<{ command: string }>).map((c) => c.command)).toContain('delete');
  });
});

describe('messages that say what to do', () => {
  it('a caption names the session, says which code of six it is and how long it is good for, and moves on at each rotation', async () => {
    await start();
    const qr = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, qr, 'demo');
    expect(qr.caption).toMatch(
      /^📱 Front desk \(demo\): code 1 of 6\nOn the phone: WhatsApp > Settings > Linked devices > Link a device, then scan this code\.\nGood for (about )?(\d+ s|\d+ min), until \d\d:\d\d:\d\d UTC\.\nThis message updates itself\.$/,
    );
    expect(qr.captionEntities?.[0]).toMatchObject({ type: 'date_time' });
    h.rotate('demo');
    await untilShowsCurrentCode(h, qr, 'demo');
    await h.until(() => qr.caption?.includes('code 2 of 6'), 'code 2 of 6');
    expect(qr.caption).toMatch(/Good for about \d+ s|Good for \d+ s/);
  });

  it('Refresh with no new code says this is still the current code; with one, that it is new', async () => {
    await start();
    const qr = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, qr, 'demo');
    const same = h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'qr:refresh' });
    expect((await h.until(() => h.tg.answerOf(same.callbackQueryId), 'the answer')).text).toBe('This is still the current code.');
    h.sim.rotate('demo');
    const fresh = h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: qr.messageId, data: 'qr:refresh' });
    expect((await h.until(() => h.tg.answerOf(fresh.callbackQueryId), 'the answer')).text).toBe('A new code is shown.');
    await untilShowsCurrentCode(h, qr, 'demo');
  });

  it('near-miss session names get "did you mean", for admins and granted users alike', async () => {
    await start();
    await h.say(ADMIN, '/sessions');
    expect((await h.say(ADMIN, '/qr Demo')).text).toBe('Session Demo was not found on Wasend. Did you mean demo?');
    expect((await h.say(ADMIN, '/status shpo')).text).toBe('shpo: not found on Wasend. Did you mean shop?');
    expect((await h.say(ADMIN, '/grant 2002 dmeo')).text).toBe('No grant made: dmeo was not found on Wasend. Did you mean demo?');
    expect((await h.say(USER, '/qr DEMO')).text).toBe("You don't have access to that session. Did you mean demo?");
    expect((await h.say(USER, '/qr zzzz')).text).toBe("You don't have access to that session.");
    expect((await h.say(ADMIN, '/watch dem')).text).toBe('Session dem was not found on Wasend. Did you mean demo?');
    expect(await h.store().watches.listByUser(ADMIN)).toEqual([]);
  });

  it('/grant and /invite check the session on Wasend; a bad /grant says which part is wrong and where user ids come from', async () => {
    await start();
    expect((await h.say(ADMIN, '/grant 2002 ghost')).text).toBe('No grant made: ghost was not found on Wasend.');
    expect(await h.store().grants.has(USER, 'ghost')).toBe(false);
    expect((await h.say(ADMIN, '/invite ghost')).text).toBe('No invite made: ghost was not found on Wasend.');
    const bad = await h.say(ADMIN, '/grant @ana demo');
    expect(bad.text).toContain('"@ana" is not a user id. A user id is a number: a person who sends me anything gets theirs');
    // A stranger is told their own id, to send to an admin.
    expect((await h.say(STRANGER, '/qr')).text).toContain(`Your Telegram id is ${STRANGER}: send it to an admin.`);
  });

  it("/users shows the names and @usernames the bot has seen, and one user's sessions; /audit reads as sentences and filters", async () => {
    await start();
    await h.say(USER, '/help', { firstName: 'Ana', username: 'ana_shop' });
    await h.say(ADMIN, '/help', { firstName: 'Bob' });
    await h.say(STRANGER, '/grant 1 demo', { firstName: 'Eve' });
    const users = await h.say(ADMIN, '/users');
    expect(users.text).toContain('Admins (every session): Bob (1001)');
    expect(users.text).toMatch(/Front desk \(demo\): Ana \(@ana_shop, 2002\) \(by Bob \(1001\), /);
    expect((await h.say(ADMIN, `/users ${USER}`)).text).toBe('Ana (@ana_shop, 2002) can use: Front desk (demo)');

    await h.say(USER, '/qr demo').then((qr) => untilShowsCurrentCode(h, qr, 'demo'));
    const audit = (await h.say(ADMIN, '/audit')).text ?? '';
    expect(audit).toMatch(/: QR for Front desk \(demo\) sent to Ana \(@ana_shop, 2002\)/);
    expect(audit).toMatch(/: Eve \(3003\) was refused \/grant/);
    const mine = (await h.say(ADMIN, `/audit ${STRANGER}`)).text ?? '';
    expect(mine.split('\n')[0]).toBe('Latest 1 audit entries for Eve (3003) (newest first):');
    expect((await h.say(ADMIN, '/audit demo')).text).not.toContain('Eve');
  });

  it('plain text is not called a command, an unknown command is named, and no reply ends a line with a space', async () => {
    await start();
    expect((await h.say(USER, 'hello there')).text).toBe('I only understand commands. Send /help to see what I can do.');
    expect((await h.say(USER, '/frobnicate')).text).toBe('I do not know /frobnicate. Send /help to see what I can do.');
    for (const text of ['/help', '/sessions', '/status', '/watch', '/cancel', '/language']) await h.say(USER, text);
    for (const text of ['/help', '/users', '/audit', '/invites', '/sessions']) await h.say(ADMIN, text);
    const all = [...h.tg.messages(USER), ...h.tg.messages(ADMIN)].filter((m) => m.from === 'bot');
    const trailing = all.flatMap((m) => (m.text ?? m.caption ?? '').split('\n')).filter((line) => line !== line.trimEnd());
    expect(trailing).toEqual([]);
  });
});
