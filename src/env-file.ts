import { readFileSync } from 'node:fs';

/** What `.env` looks like to a person fixing it: whether it is there, and which lines dotenv would skip. */
export interface EnvFileReport {
  readonly exists: boolean;
  /** "line 7 of .env is not NAME=value" for each line dotenv ignores (the line's text is never shown: it may hold a secret). */
  readonly problems: readonly string[];
}

const ASSIGNMENT = /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=/;

/** Reads `path` (default `.env` in the working directory). */
export function inspectEnvFile(path = '.env'): EnvFileReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { exists: false, problems: [] };
  }
  return { exists: true, problems: lintEnvText(text, path) };
}

/** The lines of an env file that are neither blank, a comment, `NAME=value`, nor the rest of a quoted value. */
export function lintEnvText(text: string, name = '.env'): string[] {
  const problems: string[] = [];
  let openQuote: string | null = null;
  text.split(/\r?\n/).forEach((line, index) => {
    if (openQuote !== null) {
      if (line.includes(openQuote)) openQuote = null;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (!ASSIGNMENT.test(line)) {
      problems.push(`line ${index + 1} of ${name} is not NAME=value, so it is ignored`);
      return;
    }
    const value = line.slice(line.indexOf('=') + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) === -1) openQuote = quote;
  });
  return problems;
}
