import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../src/store/types.js';
import { useStores, useTempDir } from './temp-dir.js';

const tempDir = useTempDir();
const open = useStores();

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function liveMessage(overrides: Partial<LiveMessage> = {}): LiveMessage {
  return {
    chatId: 100,
    messageId: 1,
    userId: 7,
    sessionId: 'alpha',
    state: 'showing',
    fingerprint: 'fp-1',
    expiresAt: 1_700_000_020_000,
    deadlineAt: 1_700_000_600_000,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe('grants', () => {
  it('grants once per user and session, revokes, and lists sorted', () => {
    const store = open(':memory:', { now: () => 5000 });
    expect(store.grants.grant(2, 'beta', 1)).toBe(true);
    expect(store.grants.grant(2, 'beta', 9)).toBe(false);
    expect(store.grants.grant(2, 'alpha', 1, 42)).toBe(true);
    expect(store.grants.grant(1, 'beta', 1)).toBe(true);

    expect(store.grants.has(2, 'beta')).toBe(true);
    expect(store.grants.has(3, 'beta')).toBe(false);
    expect(store.grants.sessionsOf(2)).toEqual(['alpha', 'beta']);
    expect(store.grants.list()).toEqual([
      { userId: 2, sessionId: 'alpha', grantedBy: 1, grantedAt: 42 },
      { userId: 1, sessionId: 'beta', grantedBy: 1, grantedAt: 5000 },
      { userId: 2, sessionId: 'beta', grantedBy: 1, grantedAt: 5000 },
    ]);
    expect(store.grants.list('beta').map((grant) => grant.userId)).toEqual([1, 2]);

    expect(store.grants.revoke(2, 'beta')).toBe(true);
    expect(store.grants.revoke(2, 'beta')).toBe(false);
    expect(store.grants.has(2, 'beta')).toBe(false);
    expect(store.grants.sessionsOf(2)).toEqual(['alpha']);
  });
});

describe('invites', () => {
  it('redeems once: the first redeemer gets the session, the second is told it was used', () => {
    const time = clock();
    const store = open(':memory:', { now: time.now });
    const { token, expiresAt } = store.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(time.now() + 60_000);

    expect(store.invites.redeem(token, 7)).toEqual({ ok: true, sessionId: 'alpha', alreadyGranted: false });
    expect(store.grants.list('alpha')).toEqual([
      { userId: 7, sessionId: 'alpha', grantedBy: 1, grantedAt: time.now() },
    ]);
    expect(store.invites.redeem(token, 8)).toEqual({ ok: false, reason: 'used' });
    expect(store.invites.redeem(token, 7)).toEqual({ ok: false, reason: 'used' });
    expect(store.grants.has(8, 'alpha')).toBe(false);
  });

  it('tells a user who already had the session so', () => {
    const store = open(':memory:');
    store.grants.grant(7, 'alpha', 1);
    const { token } = store.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 });
    expect(store.invites.redeem(token, 7)).toEqual({ ok: true, sessionId: 'alpha', alreadyGranted: true });
  });

  it('refuses an expired invite and an unknown token', () => {
    const time = clock();
    const store = open(':memory:', { now: time.now });
    const { token } = store.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 });
    time.advance(60_000);
    expect(store.invites.redeem(token, 7)).toEqual({ ok: false, reason: 'expired' });
    expect(store.invites.redeem('no-such-token', 7)).toEqual({ ok: false, reason: 'unknown' });
    expect(store.invites.redeem(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 7)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(store.grants.has(7, 'alpha')).toBe(false);
  });

  it('gives every invite its own token', () => {
    const store = open(':memory:');
    const tokens = new Set(
      Array.from({ length: 50 }, () => store.invites.create({ sessionId: 'a', createdBy: 1, ttlMs: 1000 }).token),
    );
    expect(tokens.size).toBe(50);
  });

  it('lets only one of two connections to the same file redeem a token', () => {
    const path = join(tempDir(), 'shared.sqlite');
    const first = open(path);
    const second = open(path);
    const { token } = first.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 });
    const results = [second.invites.redeem(token, 7), first.invites.redeem(token, 8)];
    expect(results).toEqual([
      { ok: true, sessionId: 'alpha', alreadyGranted: false },
      { ok: false, reason: 'used' },
    ]);
    expect(first.grants.list('alpha').map((grant) => grant.userId)).toEqual([7]);
  });

  it('never writes the raw token to the database files', () => {
    const dir = tempDir();
    const path = join(dir, 'invites.sqlite');
    const store = open(path);
    const tokens = Array.from(
      { length: 5 },
      () => store.invites.create({ sessionId: 'alpha', createdBy: 1, ttlMs: 60_000 }).token,
    );
    const filesWhileOpen = readAllBytes(dir);
    store.close();
    const filesAfterClose = readAllBytes(dir);
    for (const token of tokens) {
      for (const bytes of [filesWhileOpen, filesAfterClose]) {
        expect(bytes.includes(Buffer.from(token, 'utf8'))).toBe(false);
        expect(bytes.includes(Buffer.from(token, 'base64url'))).toBe(false);
      }
    }
    // The invites are still there (so the check above looked at real data) and still redeem.
    const reopened = open(path);
    expect(reopened.invites.redeem(tokens[0]!, 7)).toMatchObject({ ok: true });
  });
});

function readAllBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
}

describe('live messages', () => {
  it('saves, replaces, gets and lists only the showing ones, by session and by chat', () => {
    const store = open(':memory:');
    store.liveMessages.save(liveMessage({ chatId: 100, messageId: 1, sessionId: 'alpha' }));
    store.liveMessages.save(liveMessage({ chatId: 100, messageId: 2, sessionId: 'beta', createdAt: 2 }));
    store.liveMessages.save(liveMessage({ chatId: 200, messageId: 1, sessionId: 'alpha', createdAt: 3 }));
    store.liveMessages.save(liveMessage({ chatId: 200, messageId: 2, sessionId: 'alpha', state: 'connected' }));
    store.liveMessages.save(liveMessage({ chatId: 300, messageId: 9, state: 'expired', fingerprint: null }));

    const keys = (messages: LiveMessage[]) => messages.map((m) => `${m.chatId}/${m.messageId}`).sort();
    expect(keys(store.liveMessages.listLive())).toEqual(['100/1', '100/2', '200/1']);
    expect(keys(store.liveMessages.listLiveBySession('alpha'))).toEqual(['100/1', '200/1']);
    expect(keys(store.liveMessages.listLiveByChat(100))).toEqual(['100/1', '100/2']);
    expect(store.liveMessages.listLiveByChat(300)).toEqual([]);

    expect(store.liveMessages.get(300, 9)).toEqual(liveMessage({ chatId: 300, messageId: 9, state: 'expired', fingerprint: null }));
    expect(store.liveMessages.get(300, 10)).toBeUndefined();

    store.liveMessages.save(liveMessage({ chatId: 100, messageId: 1, state: 'cancelled' }));
    expect(store.liveMessages.get(100, 1)?.state).toBe('cancelled');
    expect(keys(store.liveMessages.listLive())).toEqual(['100/2', '200/1']);
  });

  it('patches only the given fields and stamps updatedAt', () => {
    const store = open(':memory:', { now: () => 9_999 });
    const original = liveMessage();
    store.liveMessages.save(original);

    const updated = store.liveMessages.update(100, 1, { fingerprint: 'fp-2', expiresAt: null });
    expect(updated).toEqual({ ...original, fingerprint: 'fp-2', expiresAt: null, updatedAt: 9_999 });
    expect(store.liveMessages.get(100, 1)).toEqual(updated);

    const connected = store.liveMessages.update(100, 1, { state: 'connected', fingerprint: null }, 12_345);
    expect(connected).toEqual({ ...original, state: 'connected', fingerprint: null, expiresAt: null, updatedAt: 12_345 });
    expect(store.liveMessages.listLive()).toEqual([]);

    expect(store.liveMessages.update(100, 2, { state: 'gone' })).toBeUndefined();
    expect(store.liveMessages.get(100, 2)).toBeUndefined();
  });

  it('sets and clears a pending final view, and ignores a patch of nothing but the stamp', () => {
    const store = open(':memory:', { now: () => 1 });
    const original = liveMessage();
    store.liveMessages.save(original);

    store.liveMessages.update(100, 1, { state: 'expired', expiredReason: 'failed', finalEditSince: 500 }, 600);
    expect(store.liveMessages.listFinalPending().map((m) => [m.state, m.expiredReason, m.finalEditSince])).toEqual([['expired', 'failed', 500]]);

    store.liveMessages.update(100, 1, { state: 'retired', expiredReason: null, finalEditSince: null }, 700);
    expect(store.liveMessages.get(100, 1)).toEqual({ ...original, state: 'retired', updatedAt: 700 });
    expect(store.liveMessages.listFinalPending()).toEqual([]);

    expect(store.liveMessages.update(100, 1, {}, 800)).toEqual({ ...original, state: 'retired', updatedAt: 800 });
  });

  it('keeps Telegram-sized ids exactly', () => {
    const store = open(':memory:');
    const message = liveMessage({ chatId: -1_001_234_567_890, messageId: 2_147_483_647, userId: 8_000_000_000 });
    store.liveMessages.save(message);
    expect(store.liveMessages.get(-1_001_234_567_890, 2_147_483_647)).toEqual(message);
  });
});

describe('audit log', () => {
  const entry = (action: string) => ({
    userId: 7,
    chatId: 100,
    action,
    sessionId: 'alpha',
    outcome: 'ok',
    detail: null,
  });

  it('returns the newest entries first, up to the limit', () => {
    const time = clock(1000);
    const store = open(':memory:', { now: time.now });
    for (const action of ['qr', 'grant', 'revoke', 'invite.create']) {
      store.audit.record(entry(action));
      time.advance(10);
    }
    store.audit.record({ ...entry('denied'), userId: null, chatId: null, sessionId: null, outcome: 'denied', detail: 'not allowed', at: 5 });

    const latest = store.audit.latest(3);
    expect(latest.map((e) => e.action)).toEqual(['denied', 'invite.create', 'revoke']);
    expect(latest[0]).toMatchObject({ at: 5, userId: null, chatId: null, sessionId: null, outcome: 'denied', detail: 'not allowed' });
    expect(latest[1]).toMatchObject({ at: 1030, userId: 7, chatId: 100, sessionId: 'alpha', outcome: 'ok', detail: null });
    expect(latest[0]!.id).toBeGreaterThan(latest[1]!.id);
    expect(store.audit.latest(100)).toHaveLength(5);
  });

  it('stays bounded, keeping the newest rows', () => {
    const path = join(tempDir(), 'audit.sqlite');
    const store = open(path, { auditMaxRows: 20 });
    for (let i = 0; i < 100; i += 1) store.audit.record(entry(`a${i}`));
    const kept = store.audit.latest(1000);
    expect(kept.length).toBeLessThanOrEqual(21);
    expect(kept.length).toBeGreaterThanOrEqual(20);
    expect(kept[0]!.action).toBe('a99');
    store.close();

    const reopened = open(path, { auditMaxRows: 20 });
    expect(reopened.audit.latest(1000).map((e) => e.action)).toEqual(
      Array.from({ length: 20 }, (_, i) => `a${99 - i}`),
    );
  });
});

describe('watches', () => {
  it('adds once per user and session, removes, and lists', () => {
    const store = open(':memory:', { now: () => 77 });
    expect(store.watches.add({ userId: 7, chatId: 7, sessionId: 'beta' })).toBe(true);
    expect(store.watches.add({ userId: 7, chatId: 700, sessionId: 'beta' })).toBe(false);
    expect(store.watches.add({ userId: 7, chatId: 7, sessionId: 'alpha', now: 5 })).toBe(true);
    expect(store.watches.add({ userId: 3, chatId: 3, sessionId: 'beta' })).toBe(true);

    expect(store.watches.listByUser(7)).toEqual([
      { userId: 7, chatId: 7, sessionId: 'alpha', createdAt: 5 },
      { userId: 7, chatId: 7, sessionId: 'beta', createdAt: 77 },
    ]);
    expect(store.watches.listBySession('beta').map((w) => w.userId)).toEqual([3, 7]);
    expect(store.watches.sessions()).toEqual(['alpha', 'beta']);

    expect(store.watches.remove(7, 'beta')).toBe(true);
    expect(store.watches.remove(7, 'beta')).toBe(false);
    expect(store.watches.remove(3, 'beta')).toBe(true);
    expect(store.watches.sessions()).toEqual(['alpha']);
  });
});

describe('lifetime', () => {
  it('keeps everything across close and reopen', () => {
    const path = join(tempDir(), 'nested', 'dir', 'bot.sqlite');
    const first = open(path, { now: () => 1234 });
    first.grants.grant(7, 'alpha', 1);
    const { token } = first.invites.create({ sessionId: 'beta', createdBy: 1, ttlMs: 60_000 });
    const used = first.invites.create({ sessionId: 'gamma', createdBy: 1, ttlMs: 60_000 }).token;
    first.invites.redeem(used, 8);
    first.liveMessages.save(liveMessage());
    first.audit.record({ userId: 7, chatId: 100, action: 'qr', sessionId: 'alpha', outcome: 'ok', detail: 'x' });
    first.watches.add({ userId: 7, chatId: 100, sessionId: 'alpha' });
    first.close();

    const second = open(path, { now: () => 2000 });
    expect(second.grants.list()).toEqual([
      { userId: 7, sessionId: 'alpha', grantedBy: 1, grantedAt: 1234 },
      { userId: 8, sessionId: 'gamma', grantedBy: 1, grantedAt: 1234 },
    ]);
    expect(second.invites.redeem(used, 9)).toEqual({ ok: false, reason: 'used' });
    expect(second.invites.redeem(token, 9)).toEqual({ ok: true, sessionId: 'beta', alreadyGranted: false });
    expect(second.liveMessages.listLive()).toEqual([liveMessage()]);
    expect(second.audit.latest(10)).toEqual([
      { id: 1, at: 1234, userId: 7, chatId: 100, action: 'qr', sessionId: 'alpha', outcome: 'ok', detail: 'x' },
    ]);
    expect(second.watches.listBySession('alpha')).toEqual([{ userId: 7, chatId: 100, sessionId: 'alpha', createdAt: 1234 }]);
  });

  it('answers ping while open, not after close, and closes twice without error', () => {
    const store = open(join(tempDir(), 'ping.sqlite'));
    expect(store.ping()).toBe(true);
    store.close();
    expect(store.ping()).toBe(false);
    expect(() => store.close()).not.toThrow();
  });

  it('uses WAL journaling on a file', () => {
    const dir = tempDir();
    const store = open(join(dir, 'wal.sqlite'));
    store.grants.grant(1, 'a', 1);
    expect(readdirSync(dir)).toContain('wal.sqlite-wal');
  });
});
