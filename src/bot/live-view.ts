import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Translate } from '../i18n/catalogue.js';
import type { QrView } from '../live/types.js';
import type { CaptionTexts } from './caption-builder.js';
import { captionOf, faceKindOf, mediaOf, SERIES_LENGTH, type FaceKind } from './faces.js';

/**
 * The live view (Mini App) draws the same faces as the chat: this turns a view into what its page shows, from the
 * same registry (`FACES`), so a face's words are written once.
 */
export interface LiveViewFace {
  readonly kind: FaceKind;
  readonly session: string;
  /** The chat's caption of the face, plain text. */
  readonly caption: string;
  /** The QR as a PNG data URL (the QR face only). */
  readonly image?: string;
  /** A pairing or passkey code, drawn large as text. */
  readonly code?: string;
  readonly expiresAt?: number | null;
  /** "Code N of M". */
  readonly series?: string;
  /** The expired face offers a new code from the page. */
  readonly renewable: boolean;
}

/** Telegram opens a `web_app` button only in a private chat, and only at an https address (or with your own Bot API server). */
export function liveViewUrl(publicUrl: string, sessionId: string): string {
  return `${publicUrl}/app/?s=${encodeURIComponent(sessionId)}`;
}

/** Adds an "Open live view" row to a live message's buttons while it has something live to show. */
export function withLiveViewButton(markup: InlineKeyboardMarkup, view: QrView, t: Translate, publicUrl: string | undefined): InlineKeyboardMarkup {
  if (publicUrl === undefined || (view.kind !== 'code' && view.kind !== 'expired')) return markup;
  return {
    inline_keyboard: [...markup.inline_keyboard, [{ text: t('button-live-view'), web_app: { url: liveViewUrl(publicUrl, view.sessionId) } }]],
  };
}

export function liveViewFace(view: QrView, texts: CaptionTexts): LiveViewFace {
  const kind = faceKindOf(view);
  const media = mediaOf(view);
  const base = { kind, session: texts.label(view.sessionId), caption: captionOf(view, texts).caption, renewable: view.kind === 'expired' };
  if (view.kind !== 'code') return base;
  const total = texts.seriesLength ?? SERIES_LENGTH;
  return {
    ...base,
    expiresAt: view.expiresAt,
    ...(media.kind === 'qr' ? { image: `data:image/png;base64,${view.png.toString('base64')}` } : {}),
    ...(media.kind === 'code_text' ? { code: media.code } : {}),
    ...(view.seriesIndex !== undefined && media.kind === 'qr' ? { series: texts.t('app-code-of', { index: view.seriesIndex, total }) } : {}),
  };
}

/** The page's own words in the reader's language. */
export function liveViewTexts(t: Translate): Record<string, string> {
  const ids = [
    'app-title',
    'app-expires-in',
    'app-expired-now',
    'app-connecting',
    'app-offline',
    'app-not-live',
    'app-refused',
    'app-stale',
    'app-invalid',
  ];
  return { ...Object.fromEntries(ids.map((id) => [id, t(id)])), 'button-new-qr': t('button-new-qr') };
}
