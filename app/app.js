// The live view (Telegram Mini App): follows one session's live QR message. Self-contained: no script from
// another origin. Telegram's launch data stays in memory and goes to our own API in a header, never in a URL.
'use strict';

(() => {
  const launch = new URLSearchParams(location.hash.slice(1));
  // Kept for this tab only, so that a reload (pulled down in Telegram) still has it once the address no longer does.
  const initData = launch.get('tgWebAppData') ?? sessionStorage.getItem('tgWebAppData') ?? '';
  if (initData !== '') sessionStorage.setItem('tgWebAppData', initData);
  const sessionId = new URLSearchParams(location.search).get('s') ?? '';
  // The launch data is a credential: out of the address bar once read (a copied link does not carry it).
  history.replaceState(null, '', location.pathname + location.search);

  /** English until the server sends the reader's own words. */
  let texts = {
    'app-connecting': 'Connecting…',
    'app-offline': 'Connection lost; trying again…',
    'app-invalid': "This page must be opened from the bot's QR message in Telegram.",
    'app-stale': 'This view was opened too long ago. Close it and open it again from the QR message.',
    'app-refused': 'You no longer have access to this session. This view has stopped.',
  };
  const t = (id) => texts[id] ?? '';
  const $ = (id) => document.getElementById(id);
  let face = null;
  /** Server clock minus ours, ms: the countdown runs on the server's time. */
  let offset = 0;
  let finished = false;

  applyTheme(launch.get('tgWebAppThemeParams') ?? sessionStorage.getItem('tgWebAppThemeParams'));
  if (launch.has('tgWebAppThemeParams')) sessionStorage.setItem('tgWebAppThemeParams', launch.get('tgWebAppThemeParams'));
  tellTelegram('web_app_ready');
  tellTelegram('web_app_expand');

  function applyTheme(json) {
    let theme = {};
    try {
      theme = JSON.parse(json ?? '{}') ?? {};
    } catch {
      return;
    }
    const names = {
      bg_color: '--tg-bg',
      text_color: '--tg-text',
      hint_color: '--tg-hint',
      button_color: '--tg-button',
      button_text_color: '--tg-button-text',
    };
    for (const [key, variable] of Object.entries(names)) {
      const value = theme[key];
      if (typeof value === 'string' && /^#[0-9a-f]{3,8}$/i.test(value)) document.documentElement.style.setProperty(variable, value);
    }
  }

  /** Telegram's clients hear a page through one of these (what its own script does, without loading it). */
  function tellTelegram(eventType) {
    try {
      if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(eventType, '{}');
      else if (window.parent !== window) window.parent.postMessage(JSON.stringify({ eventType, eventData: {} }), '*');
    } catch {
      // Not inside Telegram: nothing to tell.
    }
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  const MARKS = { connected: '✅', expired: '⌛', paused: '⏸', cancelled: '✖', retired: '✖', passkey_required: '🔑' };

  function render() {
    const main = $('view');
    main.dataset.kind = face?.kind ?? (finished ? 'ended' : 'none');
    $('session').textContent = face?.session ?? '';
    $('series').textContent = face?.series ?? '';
    $('caption').textContent = face?.caption ?? '';
    const qr = $('qr');
    if (face?.image) qr.src = face.image;
    else qr.removeAttribute('src');
    show('qr', Boolean(face?.image));
    $('code').textContent = face?.code ?? '';
    show('code', Boolean(face?.code));
    const mark = face && !face.image && !face.code ? (MARKS[face.kind] ?? '') : '';
    $('mark').textContent = mark;
    show('mark', mark !== '');
    const renew = $('renew');
    renew.textContent = t('button-new-qr');
    show('renew', Boolean(face?.renewable) && !finished);
    tick();
  }

  function tick() {
    const at = face?.expiresAt;
    const countdown = $('countdown');
    if (typeof at !== 'number') return show('countdown', false);
    const left = Math.max(0, Math.ceil((at - (Date.now() + offset)) / 1000));
    countdown.textContent = left > 0 ? `${t('app-expires-in')} ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : t('app-expired-now');
    show('countdown', true);
  }

  /** The end of the view: nothing of the session stays on screen. */
  function end(textId) {
    finished = true;
    face = null;
    render();
    $('status').textContent = t(textId);
  }

  const api = (path, init = {}) =>
    fetch(`api/${path}?s=${encodeURIComponent(sessionId)}`, { ...init, cache: 'no-store', headers: { authorization: `tma ${initData}` } });

  async function refusal(response) {
    if (response.status === 403) return 'app-refused';
    if (response.status !== 401) return undefined;
    const body = await response.json().catch(() => ({}));
    return body.reason === 'stale' ? 'app-stale' : 'app-invalid';
  }

  function onLine(line) {
    const message = JSON.parse(line);
    if (message.type === 'hello') {
      texts = { ...texts, ...message.texts };
      offset = message.now - Date.now();
      document.title = t('app-title');
      $('status').textContent = '';
    } else if (message.type === 'face') {
      face = message.face;
      $('status').textContent = '';
      render();
    } else if (message.type === 'none') {
      face = null;
      render();
      $('status').textContent = t('app-not-live');
    } else if (message.type === 'refused') {
      end('app-refused');
    }
  }

  async function follow() {
    $('status').textContent = t('app-connecting');
    const response = await api('live');
    const refused = await refusal(response);
    if (refused) return end(refused);
    if (!response.ok || !response.body) throw new Error(`live view: ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    }
  }

  async function keepFollowing() {
    while (!finished) {
      try {
        await follow();
      } catch {
        // The network or the listener: try again below.
      }
      if (finished) return;
      $('status').textContent = t('app-offline');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  $('renew').addEventListener('click', async () => {
    $('renew').disabled = true;
    try {
      const response = await api('renew', { method: 'POST' });
      const refused = await refusal(response);
      if (refused) return end(refused);
      const body = await response.json().catch(() => ({}));
      if (!body.ok) $('status').textContent = body.text ?? t('app-offline');
    } catch {
      $('status').textContent = t('app-offline');
    } finally {
      $('renew').disabled = false;
    }
  });

  setInterval(tick, 250);
  if (initData === '' || sessionId === '') end('app-invalid');
  else void keepFollowing();
})();
