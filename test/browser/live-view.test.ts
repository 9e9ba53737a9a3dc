import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, STRANGER, USER, startApp, untilShowsCurrentCode, type AppHarness } from '../support/app-harness.js';
import { decodeQrPng } from '../support/decode-qr.js';
import { launchData, liveViewButton } from '../support/live-view.js';
import { eventually } from '../support/wait.js';

/**
 * The live view in a real browser: Debian's Chromium, headless, opens the page the message's button names with
 * launch data signed as Telegram signs it. `UPDATE_SCREENSHOTS=1` writes each face's screenshot to `docs/`.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env['REQUIRE_CHROMIUM'] === '1')
  throw new Error(`Chromium is not at ${CHROMIUM}: the browser tests need it (REQUIRE_CHROMIUM=1)`);
const SCREENSHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? new URL('../../docs/', import.meta.url) : undefined;
const THEME = JSON.stringify({
  bg_color: '#ffffff',
  text_color: '#222222',
  hint_color: '#707579',
  button_color: '#2481cc',
  button_text_color: '#ffffff',
});

let browser: Browser | undefined;
let h: AppHarness | undefined;
beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps calling Google's hosts, which a closed network refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => browser?.close());
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const start = () =>
  startApp({
    sessions: [{ id: 'demo', name: 'Front desk', status: 'SCAN_QR_CODE' }],
    listener: { wasendSecret: 'wasend-webhook-secret-0123456789', liveView: {} },
  });

/** Opens the message's live view as `userId` would from Telegram (launch data in the fragment). */
async function open(url: string, initData: string): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 390, height: 760 }, deviceScaleFactor: 2 });
  await page.goto(`${url}#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=9.0&tgWebAppThemeParams=${encodeURIComponent(THEME)}`);
  return page;
}

/** What a phone camera reads off the screen. */
async function scanScreen(page: Page): Promise<string | null> {
  return decodeQrPng(await page.screenshot());
}

/** Waits until a phone reads the session's current code off the screen (with `replacing`: a code other than that one). */
async function untilScreenShowsCurrent(page: Page, replacing?: string): Promise<void> {
  await eventually(
    async () => {
      const current = h!.sim.state('demo')?.code;
      return current !== undefined && current !== replacing && (await scanScreen(page)) === current;
    },
    replacing === undefined ? 'the screen to show the current code' : 'the screen to show the code that replaced the one before',
    5_000,
  );
}

async function untilKind(page: Page, kind: string): Promise<void> {
  await page.waitForSelector(`#view[data-kind="${kind}"]`, { timeout: 5_000 });
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS === undefined) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`live-view-${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}

describe.skipIf(!HAVE_CHROMIUM)('the live view in headless Chromium', () => {
  it('shows the QR a phone can scan, follows a rotation, counts down, says Connected, and offers New QR once expired', async () => {
    h = await start();
    const reply = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, reply, 'demo');
    const page = await open(liveViewButton(reply)!, launchData(h.config.telegram.token, ADMIN));
    await untilKind(page, 'qr');
    await untilScreenShowsCurrent(page);
    // The launch data left the address bar once read.
    expect(page.url()).not.toContain('tgWebAppData');
    // A reload (pulled down in Telegram) keeps following: the launch data stayed with the tab.
    await page.reload();
    await untilKind(page, 'qr');
    await untilScreenShowsCurrent(page);

    const before = h.sim.state('demo')!.code ?? undefined;
    h.rotate('demo');
    await untilScreenShowsCurrent(page, before);
    expect(await page.textContent('#countdown')).toMatch(/^Expires in \d+:\d\d$/);
    await screenshot(page, 'qr');

    h.sim.scan('demo');
    await untilKind(page, 'connected');
    expect(await scanScreen(page)).toBeNull();
    expect(await page.textContent('#mark')).toBe('✅');
    await screenshot(page, 'connected');

    // A session logged out again: the message and the page expire; New QR on the page brings a fresh code to both.
    h.sim.logout('demo');
    h.app.liveQr.poke('demo');
    const again = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, again, 'demo');
    const second = await open(liveViewButton(again)!, launchData(h.config.telegram.token, ADMIN));
    await untilKind(second, 'qr');
    h.sim.fail('demo');
    h.app.liveQr.poke('demo', 'failed');
    await untilKind(second, 'expired');
    await screenshot(second, 'expired');
    await second.click('#renew');
    await untilKind(second, 'qr');
    await untilScreenShowsCurrent(second);
    await untilShowsCurrentCode(h, again, 'demo');
  });

  it('shows a pairing code large, in the reader language', async () => {
    h = await start();
    const reply = await h.say(ADMIN, '/qr demo');
    await untilShowsCurrentCode(h, reply, 'demo');
    // The photo reaches the chat a moment before its row is stored (a press waits for it; this call does not).
    await h.until(async () => (await h!.store().liveMessages.get(ADMIN, reply.messageId))?.state === 'showing', 'the message to be stored');
    expect(await h.app.liveQr.renew(ADMIN, reply.messageId, ADMIN, { phone: '5511987654321' })).toMatchObject({ kind: 'sent' });
    const page = await open(liveViewButton(reply)!, launchData(h.config.telegram.token, ADMIN, { languageCode: 'pt-BR' }));
    await untilKind(page, 'pairing');
    expect(await page.textContent('#code')).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(await page.title()).toBe('Ao vivo');
    await screenshot(page, 'pairing');
  });

  it('refuses forged and stale launch data and a person without access, and stops showing the code to a person revoked', async () => {
    h = await start();
    const token = h.config.telegram.token;
    await h.store().grants.grant(USER, 'demo', ADMIN);
    const reply = await h.say(USER, '/qr demo');
    await untilShowsCurrentCode(h, reply, 'demo');
    const url = liveViewButton(reply)!;

    const forged = await open(url, launchData(token, USER, { forge: true }));
    await forged.waitForSelector('text=must be opened from the bot', { timeout: 5_000 });
    expect(await forged.isVisible('#qr')).toBe(false);
    const stale = await open(url, launchData(token, USER, { authDate: Math.floor(Date.now() / 1000) - 7_200 }));
    await stale.waitForSelector('text=opened too long ago', { timeout: 5_000 });
    const stranger = await open(url, launchData(token, STRANGER));
    await stranger.waitForSelector('text=no longer have access', { timeout: 5_000 });
    expect(await stranger.isVisible('#qr')).toBe(false);

    const page = await open(url, launchData(token, USER));
    await untilKind(page, 'qr');
    await untilScreenShowsCurrent(page);
    await h.store().grants.revoke(USER, 'demo');
    await untilKind(page, 'ended');
    expect(await page.textContent('#status')).toContain('no longer have access');
    expect(await scanScreen(page)).toBeNull();
  });
});
