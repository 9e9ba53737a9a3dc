import type { MessageEntity } from 'grammy/types';
import { DEFAULT_LOCALE, formatTime, loadCatalogue, type Catalogue, type Locale, type Translate } from '../i18n/catalogue.js';

/** What a caption needs besides its view: the reader's language and the session's name. */
export interface CaptionTexts {
  readonly t: Translate;
  readonly locale: Locale;
  readonly label: (sessionId: string) => string;
  /** Now, epoch ms (the time left is counted from it). */
  readonly now: number;
  /** Codes in one series ("code N of M"); default WhatsApp's six as WAHA serves them. */
  readonly seriesLength?: number;
}

let defaultCatalogue: Catalogue | undefined;
/** English, ids as names, the clock now: for callers (and tests) that bring nothing. */
export function englishTexts(now = Date.now()): CaptionTexts {
  defaultCatalogue ??= loadCatalogue();
  return { t: defaultCatalogue.in(DEFAULT_LOCALE), locale: DEFAULT_LOCALE, label: (id) => id, now };
}

/** Builds a caption from parts, keeping the UTF-16 offsets of the entities it marks. */
export class CaptionBuilder {
  private text = '';
  readonly entities: MessageEntity[] = [];

  add(part: string): this {
    this.text += part;
    return this;
  }

  /** `part` as monospace (`code`): a tap copies it. */
  code(part: string): this {
    this.entities.push({ type: 'code', offset: this.text.length, length: part.length });
    return this.add(part);
  }

  /** `part` as a `date_time` entity: clients that know it show `at` in the reader's own time zone instead. */
  time(part: string, at: number): this {
    this.entities.push({ type: 'date_time', offset: this.text.length, length: part.length, unix_time: Math.floor(at / 1000), date_time_format: 'T' });
    return this.add(part);
  }

  /** "Good for 45 s, until 12:34:56 UTC." with the clock time marked for the reader's time zone; nothing without expiry. */
  validity(texts: CaptionTexts, expiresAt: number | null, estimated: boolean): this {
    if (expiresAt === null) return this;
    const until = `${formatTime(texts.locale, expiresAt)} UTC`;
    const sentence = texts.t('caption-valid-for', { left: timeLeft(texts, expiresAt, estimated), until: '\u0000' });
    const [before = '', after = ''] = sentence.split('\u0000');
    return this.add('\n').add(before).time(until, expiresAt).add(after);
  }

  build(): { caption: string; entities: MessageEntity[] } {
    return { caption: this.text, entities: this.entities };
  }
}

/** How long until `at` as a person says it (`45 s`, `about 3 min`), counted once per edit: no ticking countdown. */
function timeLeft(texts: CaptionTexts, at: number, estimated: boolean): string {
  const seconds = Math.max(0, Math.round((at - texts.now) / 1000));
  if (seconds >= 90) return texts.t('time-minutes', { minutes: Math.round(seconds / 60) });
  return texts.t(estimated ? 'time-about-seconds' : 'time-seconds', { seconds });
}
