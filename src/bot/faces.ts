import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import type { Translate } from '../i18n/catalogue.js';
import type { CodeFace, QrView } from '../live/types.js';
import type { PlaceholderKind } from '../qr/placeholder.js';
import { CaptionBuilder, englishTexts, type CaptionTexts } from './caption-builder.js';

export { englishTexts, type CaptionTexts } from './caption-builder.js';

type CodeView = Extract<QrView, { kind: 'code' }>;
/** Every face a live message can show: the QR, a code face, or a state without a code. */
export type FaceKind = 'qr' | CodeFace['kind'] | Exclude<QrView['kind'], 'code'>;
type ViewOf<K extends FaceKind> = K extends 'qr'
  ? CodeView & { readonly face?: undefined }
  : K extends CodeFace['kind']
    ? CodeView & { readonly face: Extract<CodeFace, { kind: K }> }
    : Extract<QrView, { kind: K }>;

/** What the photo shows: the scannable QR, a code drawn large, or a placeholder without any code. */
export type FaceMedia =
  | { readonly kind: 'qr' }
  | { readonly kind: 'code_text'; readonly code: string }
  | { readonly kind: 'placeholder'; readonly placeholder: PlaceholderKind };

/** One face: its photo, its caption (plain text with entities) and its buttons. */
interface Face<V> {
  readonly media: (view: V) => FaceMedia;
  readonly caption: (view: V, texts: CaptionTexts, builder: CaptionBuilder) => CaptionBuilder;
  readonly keyboard: (view: V, t: Translate) => InlineKeyboardMarkup;
}

const NO_BUTTONS: InlineKeyboardMarkup = { inline_keyboard: [] };
const placeholder = (kind: PlaceholderKind) => (): FaceMedia => ({ kind: 'placeholder', placeholder: kind });
const session = (view: QrView, texts: CaptionTexts) => texts.label(view.sessionId);

/** WAHA's series: a QR code is one of six (a gateway may say otherwise: `seriesLength`). */
export const SERIES_LENGTH = 6;

const EXPIRED_REASONS: Record<Extract<QrView, { kind: 'expired' }>['reason'], string> = {
  codes_ran_out: 'expired-codes-ran-out',
  failed: 'expired-failed',
  timed_out: 'expired-timed-out',
  stopped: 'expired-stopped',
};

/**
 * The registry of faces, one entry each: a new kind of view does not compile until it has its photo, caption and
 * buttons here. Captions are plain text (no parse mode, so session names need no escaping): the session named, a
 * pairing or passkey code marked as `code` (copied with a tap), an expiry as a `date_time` in the reader's zone.
 */
export const FACES: { readonly [K in FaceKind]: Face<ViewOf<K>> } = {
  qr: {
    media: () => ({ kind: 'qr' }),
    caption: (view, texts, b) => {
      const { t } = texts;
      const total = texts.seriesLength ?? SERIES_LENGTH;
      const series = view.seriesIndex !== undefined ? `: ${t('caption-qr-series', { index: view.seriesIndex, total })}` : '';
      return b
        .add(`${t('caption-qr-head', { session: session(view, texts) })}${series}\n${t('caption-qr-steps')}`)
        .validity(texts, view.expiresAt, view.estimated === true)
        .add(`\n${t('caption-updates')}`);
    },
    keyboard: (_, t) =>
      new InlineKeyboard()
        .text(t('button-refresh'), 'qr:refresh')
        .text(t('button-cancel'), 'qr:cancel')
        .row()
        .text(t('button-phone-instead'), 'qr:phone'),
  },
  pairing: {
    media: (view) => ({ kind: 'code_text', code: view.face.code }),
    caption: (view, texts, b) =>
      b
        .add(`${texts.t('caption-pairing-head', { session: session(view, texts), phone: view.face.phone })}\n`)
        .code(view.face.code)
        .add(`\n${texts.t('caption-pairing-steps')}`)
        .validity(texts, view.expiresAt, false)
        .add(`\n${texts.t('caption-updates')}`),
    keyboard: (_, t) => new InlineKeyboard().text(t('button-show-qr'), 'qr:showqr').text(t('button-cancel'), 'qr:cancel'),
  },
  passkey_required: {
    media: placeholder('passkey'),
    caption: (view, texts, b) => b.add(texts.t('caption-passkey-required', { session: session(view, texts) })),
    keyboard: (_, t) => new InlineKeyboard().text(t('button-refresh'), 'qr:refresh').text(t('button-cancel'), 'qr:cancel'),
  },
  passkey_confirm: {
    media: (view) => ({ kind: 'code_text', code: view.face.code }),
    caption: (view, texts, b) =>
      b
        .add(`${texts.t('caption-passkey-confirm-head', { session: session(view, texts) })}\n`)
        .code(view.face.code)
        .add(`\n${texts.t('caption-passkey-confirm-tail')}`),
    keyboard: (_, t) => new InlineKeyboard().text(t('button-it-matches'), 'pk:yes').text(t('button-no-match'), 'pk:no'),
  },
  paused: {
    media: placeholder('waiting'),
    caption: (view, texts, b) => b.add(texts.t('caption-paused', { session: session(view, texts) })),
    keyboard: () => NO_BUTTONS,
  },
  connected: {
    media: placeholder('connected'),
    caption: (view, texts, b) => b.add(texts.t('caption-connected', { session: session(view, texts) })),
    keyboard: () => NO_BUTTONS,
  },
  expired: {
    media: placeholder('expired'),
    caption: (view, texts, b) => {
      const { t } = texts;
      // A pairing code is typed, not scanned: its own words when nobody used it in time.
      const reason = view.pairing && view.reason === 'timed_out' ? 'expired-pairing-timed-out' : EXPIRED_REASONS[view.reason];
      return b.add(t(view.pairing ? 'caption-expired-pairing' : 'caption-expired', { session: session(view, texts), reason: t(reason) }));
    },
    keyboard: (view, t) =>
      view.pairing
        ? new InlineKeyboard().text(t('button-new-code'), 'qr:newcode').text(t('button-show-qr'), 'qr:new')
        : new InlineKeyboard().text(t('button-new-qr'), 'qr:new'),
  },
  cancelled: {
    media: placeholder('cancelled'),
    caption: (view, texts, b) => b.add(texts.t('caption-cancelled', { session: session(view, texts), id: view.sessionId })),
    keyboard: () => NO_BUTTONS,
  },
  retired: {
    media: placeholder('cancelled'),
    caption: (view, texts, b) => b.add(texts.t('caption-retired', { session: session(view, texts) })),
    keyboard: () => NO_BUTTONS,
  },
};

export function faceKindOf(view: QrView): FaceKind {
  return view.kind === 'code' ? (view.face?.kind ?? 'qr') : view.kind;
}

/** The entry of a view's face, typed for any view (the registry's mapped type cannot follow a runtime key). */
function faceOf(view: QrView): Face<QrView> {
  return FACES[faceKindOf(view)] as Face<QrView>;
}

/** What the photo of a view shows. */
export function mediaOf(view: QrView): FaceMedia {
  return faceOf(view).media(view);
}

/** What the photo shows, as a key: equal keys mean only the caption or buttons need to change. */
export function imageKey(view: QrView): string {
  const media = mediaOf(view);
  if (media.kind === 'placeholder') return `placeholder:${media.placeholder}`;
  return view.kind === 'code' ? `code:${view.fingerprint}` : `code:${view.sessionId}`;
}

/** The caption of a view with its entities; `lead` (a line of plain text) goes first. */
export function captionOf(view: QrView, texts: CaptionTexts = englishTexts(), lead = ''): { caption: string; entities: MessageEntity[] } {
  return faceOf(view).caption(view, texts, new CaptionBuilder().add(lead)).build();
}

/** The photo caption of a view as plain text. */
export function captionFor(view: QrView, texts: CaptionTexts = englishTexts()): string {
  return captionOf(view, texts).caption;
}

/** Buttons of a view; an empty keyboard removes the previous buttons on edit. */
export function keyboardFor(view: QrView, t: Translate = englishTexts().t): InlineKeyboardMarkup {
  return faceOf(view).keyboard(view, t);
}
