import { afterEach, beforeEach, expect, it } from 'vitest';
import { createWasendSimulator, type WasendSimulator } from '../../src/simulator/server.js';
import { eventually } from '../support/wait.js';
import { createBalancer, type Balancer } from '../support/balancer.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { createFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { killHard, prepareSchema, query, startInstance, stopInstance, freePort, untilLogged, type Instance } from '../support/instances.js';
import { describePostgres, useSchemas } from '../support/postgres.js';

/*
 * Three real bot processes on one PostgreSQL schema, driven through the fake Telegram Bot API and the Wasend
 * simulator: what several instances behind a load balancer (webhook mode) or taking turns at polling must agree on.
 */

const ADMIN = 1001;
const USER = 2002;
const OTHER = 3003;
const API_KEY = 'sim-key-cluster-tests-0123456789';
const HOOK_SECRET = 'cluster_webhook_secret_0123456789';
const HOOK_PATH = '/telegram/hook';
const newSchema = useSchemas();

let tg: FakeTelegram;
let sim: WasendSimulator;
let balancer: Balancer | undefined;
let instances: Instance[] = [];

beforeEach(async () => {
  tg = await createFakeTelegram({ token: '123456789:AAClusterTokenNotReal_012345678' });
  sim = await createWasendSimulator({
    apiKey: API_KEY,
    speed: 10,
    startingMs: 500,
    sessions: [
      { id: 'demo', status: 'SCAN_QR_CODE' },
      { id: 'shop', status: 'SCAN_QR_CODE' },
    ],
  });
  // WhatsApp's clock (codes of 6 s, then 2 s, at speed 10) runs only while a test wants rotations: however slow
  // the machine is at starting three instances or at a takeover, the series cannot run out under the test.
  sim.pauseClock();
});

afterEach(async () => {
  await Promise.all(instances.map((instance) => stopInstance(instance)));
  instances = [];
  await balancer?.close();
  balancer = undefined;
  await tg.close();
  await sim.close();
});

interface Cluster {
  readonly schema: string;
  readonly env: Record<string, string>;
}

/**
 * Three instances on a new schema; in webhook mode behind a round-robin balancer that Telegram delivers to. With
 * `listening`, each has its HTTP listener behind the balancer in polling mode too (for Wasend's webhooks).
 */
async function startCluster(
  mode: 'polling' | 'webhook',
  options: { listening?: boolean; env?: Record<string, string>; ports?: number[] } = {},
): Promise<Cluster> {
  const schema = newSchema();
  const ids = ['i1', 'i2', 'i3'];
  const ports = options.ports ?? (mode === 'webhook' || options.listening ? await Promise.all(ids.map(() => freePort())) : []);
  if (ports.length > 0) balancer ??= await createBalancer(() => ports.map((port) => `http://127.0.0.1:${port}`));
  const env: Record<string, string> = {
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    WASEND_BASE_URL: sim.url,
    WASEND_API_KEY: API_KEY,
    WASEND_POLL_INTERVAL_MS: '200',
    WASEND_TIMEOUT_MS: '3000',
    ADMIN_IDS: String(ADMIN),
    DATABASE_URL: await prepareSchema(schema),
    ...(balancer && mode === 'webhook' ? { TELEGRAM_WEBHOOK_URL: `${balancer.url}${HOOK_PATH}`, TELEGRAM_WEBHOOK_SECRET: HOOK_SECRET } : {}),
    ...options.env,
  };
  instances = await Promise.all(ids.map((id, i) => startInstance(id, env, ports[i])));
  return { schema, env };
}

const replies = (chatId: number, text: RegExp) => tg.messages(chatId).filter((m) => m.from === 'bot' && text.test(m.text ?? ''));
const HELP = /^I send WhatsApp pairing QR codes/;

const STRANGER = /Your Telegram id is/;

/**
 * Sends `/help` and waits for its own answer (`answer`: the help, or a stranger's refusal): every update delivered
 * before it was taken by then.
 */
async function marker(userId = ADMIN, answer = HELP): Promise<void> {
  const before = replies(userId, answer).length;
  tg.sendText({ userId, text: '/help' });
  await tg.waitFor(() => replies(userId, answer).length > before, { timeoutMs: 20_000, description: 'the answer to a marker /help' });
}

const leaseHolder = async (schema: string, name: string) =>
  (
    await query<{ holder: string; fence: string }>(schema, 'SELECT holder, fence FROM leases WHERE name = $1 AND expires_at > $2', [name, Date.now()])
  )[0];

describePostgres('three instances on one PostgreSQL database', () => {
  it('webhook mode: updates are spread over the instances, and one Telegram delivers again to another instance is handled once', async () => {
    await startCluster('webhook');
    for (let i = 0; i < 6; i++) tg.sendText({ userId: ADMIN, text: '/help' });
    await tg.waitFor(() => replies(ADMIN, HELP).length === 6, { timeoutMs: 20_000, description: 'six answers' });
    expect(new Set(balancer!.forwarded.map((f) => f.target)).size).toBe(3);

    // Instance A handles /status, but its answer never reaches Telegram, which delivers it again: to instance B.
    balancer!.loseNextAnswer();
    const { updateId } = tg.sendText({ userId: ADMIN, text: '/sessions' });
    await tg.waitFor(() => balancer!.forwarded.filter((f) => f.updateId === updateId && f.status === 200).length === 1, {
      timeoutMs: 20_000,
      description: 'the second delivery',
    });
    const deliveries = balancer!.forwarded.filter((f) => f.updateId === updateId);
    expect(deliveries.map((f) => f.status)).toEqual([502, 200]);
    expect(deliveries[0]!.target).not.toBe(deliveries[1]!.target);
    // The instance that took it first answers it (its answer may come after the second delivery was refused).
    const sessionLists = () => tg.messages(ADMIN).filter((m) => m.from === 'bot' && /demo/.test(m.text ?? '') && !HELP.test(m.text ?? ''));
    await tg.waitFor(() => sessionLists().length > 0, { timeoutMs: 20_000, description: 'the session list' });
    await marker();
    expect(sessionLists()).toHaveLength(1);
    expect(replies(ADMIN, HELP)).toHaveLength(7);
  }, 90_000);

  it('webhook mode: a grant made on one instance is enforced on another at once, and so is its revoke', async () => {
    await startCluster('webhook');
    await marker(USER, STRANGER);
    balancer!.sendNextTo(0);
    tg.sendText({ userId: ADMIN, text: `/grant ${USER} demo` });
    await tg.waitFor(() => tg.messages(ADMIN).find((m) => /can now use demo/.test(m.text ?? '')), { timeoutMs: 20_000, description: 'the grant' });
    balancer!.sendNextTo(1);
    tg.sendText({ userId: USER, text: '/qr demo' });
    const photo = await tg.waitFor(() => tg.messages(USER).find((m) => m.photo !== undefined), {
      timeoutMs: 30_000,
      description: 'the QR photo on another instance',
    });
    expect(await decodeQrPng(photo.photo!)).toBe(sim.state('demo')?.code);

    balancer!.sendNextTo(2);
    tg.sendText({ userId: ADMIN, text: `/revoke ${USER} demo` });
    await tg.waitFor(() => tg.messages(ADMIN).find((m) => /can no longer use demo/.test(m.text ?? '')), {
      timeoutMs: 20_000,
      description: 'the revoke',
    });
    // The live message ends at once, whichever instance keeps it.
    await tg.waitFor(() => !/code \d of 6/.test(tg.message(USER, photo.messageId)?.caption ?? ''), {
      timeoutMs: 20_000,
      description: 'the live message to stop showing a code',
    });
    balancer!.sendNextTo(0);
    tg.sendText({ userId: USER, text: '/qr demo' });
    await tg.waitFor(
      () => tg.messages(USER).find((m) => m.from === 'bot' && /Your Telegram id is|not allowed|may not|no access/i.test(m.text ?? '')),
      { timeoutMs: 20_000, description: 'the refusal' },
    );
    expect(tg.messages(USER).filter((m) => m.photo !== undefined)).toHaveLength(1);
  }, 120_000);

  it('webhook mode: an invite redeemed on two instances at the same moment grants exactly once', async () => {
    const { schema } = await startCluster('webhook');
    await marker(USER, STRANGER);
    await marker(OTHER, STRANGER);
    tg.sendText({ userId: ADMIN, text: '/invite demo' });
    const invite = await tg.waitFor(() => tg.messages(ADMIN).find((m) => /start=/.test(m.text ?? '')), {
      timeoutMs: 20_000,
      description: 'the invite',
    });
    const token = /start=([A-Za-z0-9_-]+)/.exec(invite.text ?? '')![1]!;
    // Both at once, straight to two different instances (as two Telegram deliveries racing through the balancer).
    const start = (userId: number, updateId: number) => ({
      update_id: updateId,
      message: {
        message_id: 900_000 + updateId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: userId, type: 'private', first_name: `u${userId}` },
        from: { id: userId, is_bot: false, first_name: `u${userId}` },
        text: `/start ${token}`,
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    });
    const post = (instance: Instance, body: object) =>
      fetch(`${instance.url}${HOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': HOOK_SECRET },
        body: JSON.stringify(body),
      });
    const answers = await Promise.all([post(instances[1]!, start(USER, 880_001)), post(instances[2]!, start(OTHER, 880_002))]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const outcome = (userId: number) => tg.messages(userId).find((m) => /You now have access|already used/.test(m.text ?? ''))?.text ?? '';
    await tg.waitFor(() => outcome(USER) !== '' && outcome(OTHER) !== '', { timeoutMs: 20_000, description: 'both answers' });
    const welcomed = [USER, OTHER].filter((u) => /You now have access/.test(outcome(u)));
    expect(welcomed).toHaveLength(1);
    expect([USER, OTHER].filter((u) => /already used/.test(outcome(u)))).toHaveLength(1);
    const grants = await query<{ user_id: string }>(schema, "SELECT user_id FROM grants WHERE session_id = 'demo'");
    expect(grants.map((g) => Number(g.user_id))).toEqual(welcomed);
  }, 90_000);

  it('long polling: exactly one instance polls; after kill -9 of it another takes over, and no update is lost or answered twice', async () => {
    const { schema } = await startCluster('polling');
    const poller = await pollerOf(schema);
    expect(instances.filter((i) => i.logs().some((line) => line['msg'] === 'bot started (long polling)')).map((i) => i.id)).toEqual([poller.id]);
    // Each says what it runs: two roles on three instances leave at least one standing by, and saying so.
    await waitUntil(
      () => (instances.some((i) => i.logs().some((line) => String(line['msg']).startsWith('standing by: '))) ? true : undefined),
      10_000,
      'a standby to say so',
    );
    const joined = instances.map((i) => i.logs().find((line) => line['msg'] === 'joined the other instances'));
    expect(joined.every((line) => Array.isArray(line?.['holds']) && Array.isArray(line?.['waitsFor']))).toBe(true);
    for (let i = 0; i < 3; i++) tg.sendText({ userId: ADMIN, text: '/help' });
    await tg.waitFor(() => replies(ADMIN, HELP).length === 3, { timeoutMs: 20_000, description: 'three answers' });
    await killHard(poller);
    for (let i = 0; i < 5; i++) tg.sendText({ userId: ADMIN, text: '/help' });
    await tg.waitFor(() => replies(ADMIN, HELP).length === 8, {
      timeoutMs: 30_000,
      description: 'the five sent after the kill answered by a new poller',
    });
    const next = await pollerOf(schema);
    expect(next.id).not.toBe(poller.id);
    await marker();
    expect(replies(ADMIN, HELP)).toHaveLength(9);
  }, 90_000);

  it('kill -9 of the instance keeping a live QR during its rotations: another takes it over, the same message keeps showing the current code, then Connected', async () => {
    const { schema } = await startCluster('polling');
    tg.sendText({ userId: ADMIN, text: '/qr demo' });
    const photo = await tg.waitFor(() => tg.messages(ADMIN).find((m) => m.photo !== undefined), { timeoutMs: 30_000, description: 'the QR photo' });
    const owner = await leaseHolder(schema, 'session:demo');
    expect(owner).toBeDefined();
    const editsBefore = photo.edits;
    sim.resumeClock();
    await tg.waitFor(() => tg.message(ADMIN, photo.messageId)!.edits > editsBefore, { timeoutMs: 20_000, description: 'a rotation edit' });
    const victim = instances.find((i) => i.id === owner!.holder)!;
    // The takeover waits out the victim's lease: the codes wait with it.
    sim.pauseClock();
    await killHard(victim);
    const killedAt = Date.now();

    // A new owner (a higher fence) edits the same message with each new code.
    const taken = await waitUntil(
      async () => {
        const now = await leaseHolder(schema, 'session:demo');
        return now !== undefined && now.holder !== victim.id ? now : undefined;
      },
      20_000,
      'another instance to take the session',
    );
    expect(Number(taken.fence)).toBeGreaterThan(Number(owner!.fence));
    // The new owner follows a rotation: the message turns to a code newer than the one WhatsApp showed at the
    // takeover. (Not a count of edits: whether the new owner's first edit, on taking the message over, comes before
    // or after this line is a race; and these bots expect WAHA's 20 s codes, not the simulator's 2 s, so once it
    // knows a code's birth the new owner looks again only 20 s later, past the end of the series.)
    const atTakeover = sim.state('demo')?.code;
    expect(atTakeover).toBeTruthy();
    sim.resumeClock();
    const shown = await waitUntil(
      async () => {
        const code = await decodeQrPng(tg.message(ADMIN, photo.messageId)!.photo!);
        if (code === null || code === atTakeover || code !== sim.state('demo')?.code) return undefined;
        sim.pauseClock();
        return code === sim.state('demo')?.code ? code : undefined;
      },
      20_000,
      'the message to show the code after the next rotation',
    );
    expect(shown).not.toBe(atTakeover);
    expect(tg.messages(ADMIN).filter((m) => m.photo !== undefined)).toHaveLength(1);
    expect(Date.now() - killedAt).toBeLessThan(60_000);

    sim.scan('demo');
    await tg.waitFor(() => /Connected/.test(tg.message(ADMIN, photo.messageId)?.caption ?? ''), { timeoutMs: 20_000, description: 'Connected' });
    expect(tg.messages(ADMIN).filter((m) => m.photo !== undefined)).toHaveLength(1);
  }, 120_000);

  it('an owner that was paused (SIGSTOP) past its lease loses the session, and when it wakes it edits nothing over its successor', async () => {
    const { schema } = await startCluster('polling');
    tg.sendText({ userId: ADMIN, text: '/qr demo' });
    const photo = await tg.waitFor(() => tg.messages(ADMIN).find((m) => m.photo !== undefined), { timeoutMs: 30_000, description: 'the QR photo' });
    const owner = await waitUntil(() => leaseHolder(schema, 'session:demo'), 10_000, 'the owner');
    // Paused during its rotations (a message kept and edited, not one still being sent).
    const first = tg.message(ADMIN, photo.messageId)!.edits;
    sim.resumeClock();
    await tg.waitFor(() => tg.message(ADMIN, photo.messageId)!.edits > first, { timeoutMs: 20_000, description: 'a rotation edit' });
    sim.pauseClock();
    const paused = instances.find((i) => i.id === owner.holder)!;
    paused.proc.child.kill('SIGSTOP');
    try {
      const successor = await waitUntil(
        async () => {
          const now = await leaseHolder(schema, 'session:demo');
          return now !== undefined && now.holder !== paused.id ? now : undefined;
        },
        20_000,
        'another instance to take the session',
      );
      expect(Number(successor.fence)).toBeGreaterThan(Number(owner.fence));
      const edits = tg.message(ADMIN, photo.messageId)!.edits;
      sim.resumeClock();
      await tg.waitFor(() => tg.message(ADMIN, photo.messageId)!.edits > edits, { timeoutMs: 20_000, description: 'an edit by the successor' });
      sim.pauseClock();
    } finally {
      paused.proc.child.kill('SIGCONT');
    }
    // Awake, it finds its leases gone: it stops keeping the session and stops polling, without an edit.
    await untilLogged(
      paused,
      (line) =>
        line['msg'] === 'another instance keeps this session now' || line['msg'] === 'live QR edit skipped: another instance keeps this session now',
      20_000,
      'the woken owner to give the session up',
    );
    await untilLogged(
      paused,
      (line) => line['msg'] === 'lost a role to another instance' || line['msg'] === 'stopped polling: another instance polls now',
      20_000,
      'the woken owner to stop polling',
    );
    expect(paused.logs().some((line) => line['msg'] === 'live QR edit failed; will retry')).toBe(false);
    const shown = await waitUntil(
      async () => {
        const code = await decodeQrPng(tg.message(ADMIN, photo.messageId)!.photo!);
        return code !== null && code === sim.state('demo')?.code ? code : undefined;
      },
      10_000,
      'the message to show the current code',
    );
    expect(shown).toBeTruthy();
    sim.scan('demo');
    await tg.waitFor(() => /Connected/.test(tg.message(ADMIN, photo.messageId)?.caption ?? ''), { timeoutMs: 20_000, description: 'Connected' });
    await marker();
    expect(tg.messages(ADMIN).filter((m) => m.photo !== undefined)).toHaveLength(1);
    expect(tg.message(ADMIN, photo.messageId)?.caption).toMatch(/Connected/);
  }, 120_000);

  it("a phone that drops is reported once, at once, though /watch and Wasend's webhook reached instances that do not run the checks", async () => {
    const ports = await Promise.all([0, 1, 2].map(() => freePort()));
    balancer = await createBalancer(() => ports.map((port) => `http://127.0.0.1:${port}`));
    const secret = 'cluster-wasend-webhook-secret-0123';
    await sim.close();
    sim = await createWasendSimulator({
      apiKey: API_KEY,
      speed: 10,
      sessions: [{ id: 'demo', status: 'WORKING' }],
      webhook: { url: `${balancer.url}/webhooks/wasend`, secret },
    });
    // Checks every ten minutes: only the webhook can explain an alert within the test's time.
    const { schema } = await startCluster('polling', { ports, env: { WASEND_WEBHOOK_SECRET: secret, HEALTH_CHECK_INTERVAL_MS: '600000' } });
    const checker = await waitUntil(() => leaseHolder(schema, 'health'), 10_000, 'the instance running the checks');
    tg.sendText({ userId: ADMIN, text: '/watch demo' });
    await tg.waitFor(() => tg.messages(ADMIN).find((m) => /Its phone is linked now/.test(m.text ?? '')), {
      timeoutMs: 20_000,
      description: 'the watch',
    });
    // The poller handled /watch; when it is not the checker, the first status reached the checker by LISTEN/NOTIFY.
    const elsewhere = instances.findIndex((i) => i.id !== checker.holder);
    balancer.sendNextTo(elsewhere);
    sim.logout('demo');
    const alert = await tg.waitFor(
      () =>
        tg
          .messages(ADMIN)
          .find((m) => /demo/.test(m.text ?? '') && (m.replyMarkup?.inline_keyboard.flat().length ?? 0) > 0 && !/linked now/.test(m.text ?? '')),
      {
        // The confirming second look comes 20 s after the drop; a role that moved meanwhile (a heartbeat late on a
        // loaded machine) starts with a fresh check and a fresh 20 s: twice that, and room to spare.
        timeoutMs: 90_000,
        description: 'the drop alert',
      },
    );
    expect(alert.text).toMatch(/demo/);
    expect(balancer.forwarded.find((f) => f.path === '/webhooks/wasend')?.target).toBe(`http://127.0.0.1:${ports[elsewhere]}`);
    await marker();
    expect(tg.messages(ADMIN).filter((m) => m.messageId === alert.messageId || m.text === alert.text)).toHaveLength(1);
  }, 150_000);

  it('webhook mode: kill -9 of a random instance, again and again, while people write: every message is answered exactly once', async () => {
    const { env } = await startCluster('webhook');
    const ports = instances.map((i) => Number(new URL(i.url!).port));
    let sent = 0;
    for (let round = 0; round < 4; round++) {
      const index = (round * 7 + 1) % 3;
      const victim = instances[index]!;
      await killHard(victim);
      for (let i = 0; i < 3; i++) {
        tg.sendText({ userId: ADMIN, text: '/help' });
        sent += 1;
      }
      await tg.waitFor(() => replies(ADMIN, HELP).length === sent, { timeoutMs: 30_000, description: `the answers of round ${round}` });
      instances[index] = await startInstance(victim.id, env, ports[index]);
    }
    await marker();
    expect(replies(ADMIN, HELP)).toHaveLength(sent + 1);
    for (const instance of instances)
      await untilLogged(instance, (line) => line['msg'] === 'joined the other instances', 1_000, 'a running instance');
  }, 180_000);
});

/** The instance holding the `poller` lease, once one holds it. */
async function pollerOf(schema: string): Promise<Instance> {
  const lease = await waitUntil(() => leaseHolder(schema, 'poller'), 20_000, 'a poller');
  const instance = instances.find((i) => i.id === lease.holder);
  if (instance === undefined) throw new Error(`the poller ${lease.holder} is not one of the instances`);
  await untilLogged(instance, (line) => line['msg'] === 'bot started (long polling)', 20_000, 'polling to start');
  return instance;
}

/** `eventually`, telling on a timeout what the instances said last (to tell a slow takeover from a stuck one). */
async function waitUntil<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  return eventually(async () => check(), what, timeoutMs).catch((error: unknown) => {
    const said = instances.map(
      (i) =>
        `${i.id}: ${JSON.stringify(
          i
            .logs()
            .filter((line) => Number(line['level']) >= 40)
            .slice(-5),
        )}`,
    );
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${said.join('\n')}`);
  });
}
