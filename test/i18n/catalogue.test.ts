import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDateTime, loadCatalogue, LOCALES, negotiateLocale } from '../../src/i18n/catalogue.js';
import { ROOT } from '../faults/process.js';

/** Each message of a Fluent file with the variables it uses. */
function messagesOf(locale: string): Map<string, Set<string>> {
  const source = readFileSync(join(ROOT, 'locales', `${locale}.ftl`), 'utf8');
  const messages = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of source.split('\n')) {
    const start = /^([a-z][a-z0-9-]*)\s*=(.*)$/.exec(line);
    if (start) {
      current = new Set();
      messages.set(start[1] as string, current);
    } else if (!/^\s/.test(line)) {
      current = undefined;
    }
    if (current) for (const match of line.matchAll(/\$([a-zA-Z][\w-]*)/g)) current.add(match[1] as string);
  }
  return messages;
}

const english = messagesOf('en');
const catalogue = loadCatalogue();

describe('the catalogue', () => {
  it('ships English, Brazilian Portuguese, Spanish and Indonesian, each parsing cleanly', () => {
    expect([...LOCALES].sort()).toEqual(
      readdirSync(join(ROOT, 'locales'))
        .map((f) => f.replace(/\.ftl$/, ''))
        .sort(),
    );
    expect(english.size).toBeGreaterThan(200);
  });

  it.each(LOCALES.filter((l) => l !== 'en'))('%s has every English message, no other, with the same placeholders', (locale) => {
    const translated = messagesOf(locale);
    expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [id, variables] of english) expect([...(translated.get(id) ?? [])].sort(), `${locale} ${id}`).toEqual([...variables].sort());
  });

  it.each([...LOCALES])('%s renders every message with its placeholders filled, without markup, trailing spaces or untranslated copies', (locale) => {
    const t = catalogue.in(locale);
    let copies = 0;
    for (const [id, variables] of english) {
      const args = Object.fromEntries(
        [...variables].map((name) => [
          name,
          name === 'count' ||
          name === 'seconds' ||
          name === 'minutes' ||
          name === 'limit' ||
          name === 'max' ||
          name === 'index' ||
          name === 'total' ||
          name === 'page' ||
          name === 'pages'
            ? 2
            : `«${name}»`,
        ]),
      );
      const text = t(id, args);
      expect(text, `${locale} ${id}`).not.toBe(id);
      expect(text, `${locale} ${id}`).not.toMatch(/[{}]|\$[a-z]/);
      for (const name of variables) if (typeof args[name] === 'string') expect(text, `${locale} ${id} shows $${name}`).toContain(`«${name}»`);
      for (const line of text.split('\n')) expect(line, `${locale} ${id}`).toBe(line.trimEnd());
      if (locale !== 'en' && text === catalogue.t('en', id, args) && /[a-z]{4,}/i.test(text.replace(/«\w+»|\/\w+|Wasend|WhatsApp|QR/g, '')))
        copies += 1;
    }
    // A few words are the same in both languages ("Status", "Admin"); a whole untranslated message is not.
    expect(copies, `${locale}: messages still in English`).toBeLessThanOrEqual(3);
  });

  it('has every message id the code asks for', () => {
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts'))
          for (const m of readFileSync(path, 'utf8').matchAll(/\bt\(\s*'([a-z][a-z0-9-]+)'/g)) used.add(m[1] as string);
      }
    };
    walk(join(ROOT, 'src'));
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((id) => !english.has(id) && !(LOCALES as readonly string[]).includes(id))).toEqual([]);
  });

  it('picks a locale from Telegram language codes, English when none fits', () => {
    expect(negotiateLocale('pt-br')).toBe('pt-BR');
    expect(negotiateLocale('pt')).toBe('pt-BR');
    expect(negotiateLocale('es-419')).toBe('es');
    expect(negotiateLocale('es')).toBe('es');
    expect(negotiateLocale('id')).toBe('id');
    expect(negotiateLocale('in')).toBe('id');
    expect(negotiateLocale('en-GB')).toBe('en');
    expect(negotiateLocale('de')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
  });

  it('formats numbers and dates for the language', () => {
    expect(catalogue.t('pt-BR', 'sessions-title-admin', { count: 1234 })).toBe('Sessões no Wasend (1.234)');
    expect(catalogue.t('en', 'sessions-title-admin', { count: 1234 })).toBe('Sessions on Wasend (1,234)');
    const at = Date.UTC(2026, 11, 2, 14, 5);
    expect(formatDateTime('en', at)).toBe('Dec 2, 2026, 2:05 PM UTC');
    expect(formatDateTime('pt-BR', at)).toBe('2 de dez. de 2026, 14:05 UTC');
    expect(formatDateTime('id', at)).toMatch(/^2 Des 2026/);
  });
});
