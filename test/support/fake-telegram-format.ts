/** Thrown with the text Telegram puts after `Bad Request: can't parse entities: `. */
export class EntityParseError extends Error {
  override readonly name = 'EntityParseError';
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);
const HTML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const MARKDOWN_V2_PLAIN_RESERVED = new Set(['#', '+', '-', '=', '{', '}', '.', '!']);

/**
 * Returns the text a user would see for `text` sent with `parseMode`, or throws EntityParseError where
 * Telegram would refuse the message. HTML is checked like Telegram does (known tags, balanced, `<` must
 * start a tag); MarkdownV2 only for the most common mistake, an unescaped reserved character outside code.
 */
export function visibleText(text: string, parseMode: unknown): string {
  if (parseMode === 'HTML') return parseHtml(text);
  if (parseMode === 'MarkdownV2') return parseMarkdownV2(text);
  return text;
}

function parseHtml(source: string): string {
  const open: string[] = [];
  let out = '';
  let index = 0;
  const offset = (at: number): number => Buffer.byteLength(source.slice(0, at));
  while (index < source.length) {
    const char = source[index];
    if (char === '<') {
      const tag = /^<(\/?)([a-zA-Z][\w-]*)((?:\s+[^>]*)?)>/.exec(source.slice(index));
      if (tag === null) throw new EntityParseError(`Unsupported start tag at byte offset ${offset(index)}`);
      const [whole, slash, rawName] = tag;
      const name = (rawName ?? '').toLowerCase();
      if (!HTML_TAGS.has(name)) throw new EntityParseError(`Unsupported start tag "${name}" at byte offset ${offset(index)}`);
      if (slash === '/') {
        if (open.pop() !== name)
          throw new EntityParseError(`Unmatched end tag at byte offset ${offset(index)}, expected "</${open.at(-1) ?? ''}>", found "</${name}>"`);
      } else {
        open.push(name);
      }
      index += whole.length;
    } else if (char === '&') {
      const entity = /^&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/.exec(source.slice(index));
      const body = entity?.[1];
      if (entity === null || body === undefined) {
        out += char;
        index += 1;
        continue;
      }
      const decoded = body.startsWith('#x')
        ? String.fromCodePoint(Number.parseInt(body.slice(2), 16))
        : body.startsWith('#')
          ? String.fromCodePoint(Number.parseInt(body.slice(1), 10))
          : HTML_ENTITIES[body];
      out += decoded ?? entity[0];
      index += entity[0].length;
    } else {
      out += char;
      index += 1;
    }
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed}"`);
  return out;
}

function parseMarkdownV2(source: string): string {
  let out = '';
  let inCode = false;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index] ?? '';
    if (char === '\\') {
      out += source[index + 1] ?? '';
      index += 1;
    } else if (char === '`') {
      inCode = !inCode;
    } else if (inCode) {
      out += char;
    } else if (char === ']' && source[index + 1] === '(') {
      const close = source.indexOf(')', index);
      index = close < 0 ? source.length : close;
    } else if (MARKDOWN_V2_PLAIN_RESERVED.has(char)) {
      throw new EntityParseError(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
    } else if (!'*_~|[]()>'.includes(char)) {
      out += char;
    }
  }
  return out;
}
