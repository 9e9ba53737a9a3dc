import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, USER, buttonData, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';

let h: AppHarness;
afterEach(async () => {
  await h?.close();
});

const start = async (confirmWindowMs = 60_000) => {
  h = await startApp({
    sessions: [
      { id: 'demo', name: 'Demo phone', status: 'STOPPED' },
      { id: 'linked', status: 'WORKING' },
    ],
    timings: { confirmWindowMs },
  });
  await h.store().grants.grant(USER, 'demo', ADMIN);
};

const audited = async (action: string) => (await h.store().audit.latest(50)).filter((e) => e.action === action);

describe('/new', () => {
  it('creates a session with its name and number, answers its id with Show QR and Phone number instead, and Show QR opens its code', async () => {
    await start();
    const reply = await h.say(ADMIN, '/new shop +55 11 98765-4321');
    const id = /Its id is (\S+):/.exec(reply.text ?? '')?.[1];
    expect(id).toBeDefined();
    expect(h.sim.state(id!)).toBeDefined();
    const listed = h.sim.requests.find((r) => r.method === 'POST' && r.path === '/sessions');
    expect(listed?.status).toBe(201);
    expect(buttonData(reply)).toEqual([`qr:pick:${id}`, `pn:s:${id}`]);
    expect((await audited('session.create'))[0]).toMatchObject({ outcome: 'ok', sessionId: id });

    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: reply.messageId, data: `qr:pick:${id}` });
    const photo = await h.until(() => h.photos(ADMIN)[0], 'the QR photo');
    await untilShowsCurrentCode(h, photo, id!);

    // Phone number instead uses the number the session was created with, without asking again.
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: reply.messageId, data: `pn:s:${id}` });
    await h.until(() => h.sim.state(id!)?.pairingPhone === '5511987654321', 'a pairing code for the number');
  });

  it('explains a bad call and refuses a non-admin', async () => {
    await start();
    expect((await h.say(ADMIN, '/new shop')).text).toContain('Usage: /new <name> <phone number>');
    expect((await h.say(ADMIN, '/new shop 123')).text).toContain('international format');
    expect((await h.say(USER, '/new shop +5511987654321')).text).toBe('Only admins can do that.');
    expect(h.sim.requests.some((r) => r.method === 'POST' && r.path === '/sessions')).toBe(false);
  });
});

describe('/restart and /stop', () => {
  it('run on Wasend, are audited, and a live QR message of a stopped session says so', async () => {
    await start();
    const qr = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, qr, 'demo');
    const stopped = await h.say(ADMIN, '/stop demo');
    expect(stopped.text).toContain('Stopped demo');
    expect(h.sim.state('demo')?.wahaStatus).toBe('STOPPED');
    await h.until(() => qr.caption?.includes('stopped'), 'the QR message to say the session stopped');

    const restarted = await h.say(ADMIN, '/restart demo');
    expect(restarted.text).toContain('Restarting demo');
    expect(h.sim.state('demo')?.series).toBe(2);
    expect((await audited('session.stop'))[0]).toMatchObject({ outcome: 'ok', sessionId: 'demo' });
    expect((await audited('session.restart'))[0]).toMatchObject({ outcome: 'ok', sessionId: 'demo' });
    const log = (await h.say(ADMIN, '/audit demo')).text ?? '';
    expect(log).toMatch(/: User 1001 \(1001\) restarted Demo phone \(demo\)\n.*: User 1001 \(1001\) stopped Demo phone \(demo\)/);

    expect((await h.say(ADMIN, '/stop nosuch')).text).toContain('not found');
    expect((await h.say(USER, '/restart demo')).text).toBe('Only admins can do that.');
    expect(h.sim.state('demo')?.series).toBe(2);
  });
});

describe('/delete', () => {
  it('asks with a button naming the session, deletes on the press, and audits it', async () => {
    await start();
    const ask = await h.say(ADMIN, '/delete demo');
    expect(ask.text).toContain('Delete session Demo phone (demo)?');
    expect(ask.text).toContain('60 s');
    expect(ask.replyMarkup?.inline_keyboard[0]?.[0]?.text).toContain('demo');
    expect(h.sim.state('demo')).toBeDefined();
    const data = buttonData(ask)[0]!;
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: ask.messageId, data });
    await h.until(() => ask.text === 'Deleted demo.', 'the confirmation to say Deleted');
    expect(h.sim.state('demo')).toBeUndefined();
    expect((await audited('session.delete'))[0]).toMatchObject({ outcome: 'ok', sessionId: 'demo' });
    // A second press of the same button does nothing more.
    const again = h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: ask.messageId, data });
    expect((await h.until(() => h.tg.answerOf(again.callbackQueryId), 'the answer')).text).toContain('expired');
  });

  it('does nothing once the confirmation expired, and says so', async () => {
    await start(300);
    const ask = await h.say(ADMIN, '/delete demo');
    expect(ask.text).toContain('The button works for 0 s.');
    const data = buttonData(ask)[0]!;
    const expiresBy = Date.now() + 300;
    await h.until(() => Date.now() > expiresBy, 'the confirm window to pass');
    const press = h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: ask.messageId, data });
    expect((await h.until(() => h.tg.answerOf(press.callbackQueryId), 'the answer')).text).toContain('expired');
    await h.until(() => ask.text?.includes('nothing was deleted'), 'the message to say nothing was deleted');
    expect(h.sim.state('demo')).toBeDefined();
    expect(h.sim.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('Keep it keeps the session, and a non-admin is refused', async () => {
    await start();
    const ask = await h.say(ADMIN, '/delete demo');
    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: ask.messageId, data: buttonData(ask)[1]! });
    await h.until(() => ask.text?.startsWith('Kept demo'), 'Kept');
    expect(h.sim.state('demo')).toBeDefined();
    expect((await h.say(USER, '/delete demo')).text).toBe('Only admins can do that.');
    expect((await h.say(ADMIN, '/delete nosuch')).text).toContain('not found');
  });
});

describe('/sessions', () => {
  it('shows names, masked numbers and statuses with QR and Status buttons, paged', async () => {
    await start();
    for (let i = 1; i <= 10; i += 1) {
      await fetch(`${h.sim.url}/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.config.wasend.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sessionName: `Branch ${i}`, phoneNumber: `55119876500${String(i).padStart(2, '0')}` }),
      });
    }
    const list = await h.say(ADMIN, '/sessions');
    expect(list.text).toContain('Sessions on Wasend (12), page 1 of 2:');
    // Each status is said once, above its sessions.
    expect(list.text).toContain('⏹ stopped (send /qr to link it):\n• Demo phone (demo)');
    expect(list.text).toContain('✅ connected:\n• linked');
    expect(list.text?.split('⏹ stopped (send /qr to link it)')).toHaveLength(2);
    expect(list.text).toContain('+55 •• ••••-0001');
    expect(list.text).not.toContain('5511987650001');
    const buttons = buttonData(list);
    expect(buttons.slice(0, 2)).toEqual(['qr:pick:demo', 'st:demo']);
    expect(buttons.at(-1)).toBe('ss:1');

    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: list.messageId, data: 'ss:1' });
    await h.until(() => list.text?.includes('page 2 of 2'), 'page 2');
    expect(list.text).toContain('Branch 10');
    expect(buttonData(list).at(-1)).toBe('ss:0');

    h.tg.pressButton({ userId: ADMIN, chatId: ADMIN, messageId: list.messageId, data: 'st:demo' });
    const status = await h.until(
      () => h.tg.messages(ADMIN).find((m) => m.messageId > list.messageId && m.text?.includes('Demo phone')),
      'the status',
    );
    expect(status.text).toContain('stopped');
  });

  it('shows a granted user only their sessions, by name', async () => {
    await start();
    const list = await h.say(USER, '/sessions');
    expect(list.text).toContain('Your sessions (1):');
    expect(list.text).toContain('Demo phone (demo)');
    expect(list.text).not.toContain('linked');
    expect(buttonData(list)).toEqual(['qr:pick:demo', 'st:demo']);
  });
});
