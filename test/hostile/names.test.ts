import { afterEach, describe, expect, it } from 'vitest';
import { clipGraphemes, displayName } from '../../src/shared/display-name.js';
import { ADMIN, USER, startApp, type AppHarness } from '../support/app-harness.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- the control characters are what this test looks for
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFFFD]/;

describe('names people chose, where the bot shows them', () => {
  it('/users shows a hostile first name without controls, bidi overrides or a line of its own, with the id beside it', async () => {
    h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }] });
    await h.store().grants.grant(USER, 'demo', ADMIN);
    const hostile = '\u202Eana\u0007 \nAna (@ana, 222) was granted demo';
    await h.say(USER, '/help', { firstName: hostile });
    const users = (await h.say(ADMIN, '/users demo')).text ?? '';
    const line = users.split('\n').find((l) => l.includes(String(USER)));
    expect(line).toBeDefined();
    expect(line).toMatch(/: ana Ana \(@ana, 222\) was granted… \(2002\)/);
    expect(users).not.toMatch(UNSAFE);
    // The imitation never stands on a line of its own.
    expect(users.split('\n').filter((l) => l.startsWith('Ana (@ana, 222)'))).toEqual([]);
  });

  it('a long name of emoji is clipped whole, in the store and on screen', async () => {
    h = await startApp({ sessions: [{ id: 'demo', status: 'STOPPED' }] });
    await h.store().grants.grant(USER, 'demo', ADMIN);
    await h.say(USER, '/help', { firstName: '👍🏽'.repeat(70) });
    const stored = (await h.store().users.get(USER))?.firstName ?? '';
    expect(stored).not.toMatch(LONE_SURROGATE);
    expect(stored.startsWith('👍🏽'.repeat(60))).toBe(true);
    const users = (await h.say(ADMIN, '/users demo')).text ?? '';
    expect(users).not.toMatch(LONE_SURROGATE);
    expect(users).toContain(`${'👍🏽'.repeat(31)}… (2002)`);
  });

  it('/new refuses a name with invisible characters in those words, not as too long', async () => {
    h = await startApp({ sessions: [] });
    const said = await h.say(ADMIN, '/new front\u200Bdesk +5511987654321');
    expect(said.text).toMatch(/^A session name cannot hold invisible characters/);
    const bidi = await h.say(ADMIN, '/new \u202Edesk +5511987654321');
    expect(bidi.text).toMatch(/invisible characters/);
  });
});

describe('displayName', () => {
  it('keeps the joiners emoji and scripts need, and drops what hides or reverses text', () => {
    expect(displayName('👨‍👩‍👧 family', 10)).toBe('👨‍👩‍👧 family');
    expect(displayName('a\u202Eb\u2066c\u200Fd', 10)).toBe('abcd');
    expect(displayName('  two\n\nlines\t ', 20)).toBe('two lines');
    expect(clipGraphemes('abcdef', 4)).toBe('abc…');
    expect(clipGraphemes('abc', 4)).toBe('abc');
  });
});
