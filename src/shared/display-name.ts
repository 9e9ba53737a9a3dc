/**
 * Names that come from outside (a Telegram first name, a gateway's session name) made safe to show among our own
 * words: control and bidi-override characters dropped (U+202E would turn the rest of a line around), line breaks
 * and runs of spaces folded into one space (a name cannot start a line of its own that imitates an audit entry),
 * and clipped by grapheme with "…" (a clip never splits an emoji into "�"). Joiners that emoji and scripts need
 * (ZWJ, ZWNJ, emoji tag characters) are kept.
 */

/** Cc (controls) and Cf (format: bidi marks, overrides, isolates, invisible operators), but the joiners kept below. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const KEPT_FORMAT = /^(?:\u200C|\u200D|[\u{E0020}-\u{E007F}])$/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Whether `text` holds a character {@link displayName} would drop (a control or an invisible format character). */
export function hasInvisibleCharacters(text: string): boolean {
  for (const match of text.matchAll(UNSAFE)) {
    if (!KEPT_FORMAT.test(match[0]) && !/^[\t ]$/.test(match[0])) return true;
  }
  return false;
}

/** `text` safe to show, at most `maxGraphemes` user-perceived characters (the last one "…" when clipped). */
export function displayName(text: string, maxGraphemes: number): string {
  const cleaned = text
    .replace(UNSAFE, (c) => (KEPT_FORMAT.test(c) ? c : /[\t\n\v\f\r\u0085\u2028\u2029]/u.test(c) ? ' ' : ''))
    .replace(/\s+/gu, ' ')
    .trim();
  return clipGraphemes(cleaned, maxGraphemes);
}

/** At most `max` graphemes of `text`, the last one "…" when it was longer. */
export function clipGraphemes(text: string, max: number): string {
  if (text.length <= max) return text;
  const graphemes: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    graphemes.push(segment);
    if (graphemes.length > max) break;
  }
  return graphemes.length > max
    ? `${graphemes
        .slice(0, Math.max(0, max - 1))
        .join('')
        .trimEnd()}…`
    : text;
}

/**
 * A label for a button: at most `max` graphemes, cut at the last word boundary that keeps most of it (else at a
 * grapheme), ending with "…" when it was cut. Never mid-word when a space is near, never mid-emoji.
 */
export function clipLabel(text: string, max: number): string {
  const clipped = clipGraphemes(text, max);
  if (!clipped.endsWith('…') || clipped === text) return clipped;
  const body = clipped.slice(0, -1);
  const space = body.lastIndexOf(' ');
  return space >= body.length / 2 ? `${body.slice(0, space).replace(/[\s,;:(-]+$/u, '')}…` : clipped;
}
