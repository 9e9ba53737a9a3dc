/**
 * Every text the bot sends comes from one catalogue of Fluent files (`locales/<locale>.ftl`), read once at start.
 * Fluent (Mozilla's localization system, the format `@grammyjs/i18n` uses) gives translators plural and gender
 * selectors and locale-aware numbers; `@fluent/bundle` formats and `@fluent/langneg` matches a Telegram
 * `language_code` to a shipped locale.
 */
import { readFileSync } from 'node:fs';
import { FluentBundle, FluentResource } from '@fluent/bundle';
import { negotiateLanguages } from '@fluent/langneg';

/** The shipped locales, English first (the fallback of every missing or broken message). */
export const LOCALES = ['en', 'pt-BR', 'es', 'id'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each locale's own name, for /language. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', 'pt-BR': 'Português (Brasil)', es: 'Español', id: 'Bahasa Indonesia' };

/** Placeholder values: strings as they are, numbers formatted for the locale. Ids go in as strings. */
export type TextArgs = Readonly<Record<string, string | number>>;

/** A text of the catalogue in one locale. */
export type Translate = (id: string, args?: TextArgs) => string;

export interface Catalogue {
  t(locale: Locale, id: string, args?: TextArgs): string;
  /** `t` bound to a locale. */
  in(locale: Locale): Translate;
  /** Message ids of a locale, sorted. */
  ids(locale: Locale): string[];
}

const DEFAULT_DIR = new URL('../../locales/', import.meta.url);

/**
 * Reads `locales/*.ftl` (synchronously: once, at start). Throws when a file is missing or does not parse. `gateway`
 * names the gateway in every text (default the files' own, Wasend).
 */
export function loadCatalogue(dir: URL = DEFAULT_DIR, options: { readonly gateway?: string } = {}): Catalogue {
  const bundles = new Map<Locale, FluentBundle>();
  for (const locale of LOCALES) {
    const source = readFileSync(new URL(`${locale}.ftl`, dir), 'utf8');
    // No Unicode isolation marks: they would land, invisible, in captions people copy from.
    const bundle = new FluentBundle(locale, { useIsolating: false });
    const errors = bundle.addResource(new FluentResource(source));
    if (errors.length > 0) throw new Error(`locales/${locale}.ftl: ${errors.map((e) => e.message).join('; ')}`);
    // Every text names the gateway through the term `-gateway` (Wasend in the files): WAHA users read WAHA.
    if (options.gateway !== undefined && /^[\p{L}\p{N} .-]{1,40}$/u.test(options.gateway)) {
      bundle.addResource(new FluentResource(`-gateway = ${options.gateway}\n`), { allowOverrides: true });
    }
    bundles.set(locale, bundle);
  }
  const format = (locale: Locale, id: string, args?: TextArgs): string | undefined => {
    const bundle = bundles.get(locale);
    const message = bundle?.getMessage(id);
    if (bundle === undefined || message?.value == null) return undefined;
    const errors: Error[] = [];
    const text = bundle.formatPattern(message.value, args, errors);
    return errors.length === 0 ? text : undefined;
  };
  const t = (locale: Locale, id: string, args?: TextArgs): string => format(locale, id, args) ?? format(DEFAULT_LOCALE, id, args) ?? id;
  return {
    t,
    in: (locale) => (id, args) => t(locale, id, args),
    ids(locale) {
      const source = readFileSync(new URL(`${locale}.ftl`, dir), 'utf8');
      return [...source.matchAll(/^([a-z][a-z0-9-]*)\s*=/gm)].map((m) => m[1] as string).sort();
    },
  };
}

/**
 * The shipped locale for a Telegram `language_code` (`pt-br` -> pt-BR, `pt` -> pt-BR, `es-419` -> es, `in` -> id),
 * English when none matches.
 */
export function negotiateLocale(languageCode: string | null | undefined): Locale {
  if (!languageCode) return DEFAULT_LOCALE;
  // Asked for every caption of every edit: the few codes people have are worked out once each.
  const known = negotiated.get(languageCode);
  if (known !== undefined) return known;
  const locale = negotiateNow(languageCode);
  if (negotiated.size < MAX_NEGOTIATED) negotiated.set(languageCode, locale);
  return locale;
}

/** Language codes worked out so far (Telegram's codes are short and few; a flood of made-up ones stops adding). */
const negotiated = new Map<string, Locale>();
const MAX_NEGOTIATED = 1_000;

function negotiateNow(languageCode: string): Locale {
  const code = languageCode.trim().toLowerCase() === 'in' ? 'id' : languageCode.trim();
  // The language alone too: langneg does not parse numeric regions such as es-419 (Latin American Spanish).
  const requested = [code, code.split(/[-_]/)[0] ?? code];
  const [match] = negotiateLanguages(requested, [...LOCALES], { strategy: 'matching', defaultLocale: DEFAULT_LOCALE });
  return isLocale(match) ? match : DEFAULT_LOCALE;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** `2 Dec 2026, 14:05 UTC` in the locale's own words and order. */
export function formatDateTime(locale: Locale, at: number): string {
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(at)} UTC`;
}

/** `14:05:09` (UTC), for a code's expiry. */
export function formatTime(locale: Locale, at: number): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(at);
}
