import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The part of a pino logger the modules take as a dependency (a pino `Logger` is one), so tests can pass a
 * plain recorder. Logged objects must never hold secrets.
 */
export interface LogSink {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level, e.g. `info`. */
  readonly level: string;
  /**
   * Values that must never reach a log line (bot token, API keys, webhook secrets). Every line is scrubbed
   * of them, in raw, URL-encoded and JSON-escaped form, after serialization, so nothing (an error message,
   * a URL inside grammY's `HttpError`, a stack) can carry one out.
   */
  readonly secrets: readonly string[];
  /** Where lines go. Default stdout. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
}

/** Replaces every form of every secret in `text` with `***`. Secrets shorter than 6 characters are ignored. */
export function createSecretScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  const needles = [...forms].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  const pattern = new RegExp(needles.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, '***');
}

/** A pino logger whose every output line has passed through the secret scrubber. */
export function createLogger(options: LoggerOptions): Logger {
  const scrub = createSecretScrubber(options.secrets);
  const target = options.destination ?? process.stdout;
  const scrubbing: DestinationStream = { write: (line: string) => void target.write(scrub(line)) };
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    scrubbing,
  );
}
