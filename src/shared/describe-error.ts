import { GrammyError, HttpError } from 'grammy';

/** Programming errors, whose stack is what a reader of the log needs; a named failure says enough by its class. */
const BUG_CLASSES = [TypeError, RangeError, ReferenceError, SyntaxError];

/**
 * The one log-safe summary of an error, for the `err` key of a log line: no request URLs or payloads (grammY's
 * `HttpError.error` and some fetch errors carry the Bot API URL, which holds the bot token), a message cut to 300
 * characters, the stack only for a plain `Error` or a programming error.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) {
    return { name: error.name, method: error.method, code: error.error_code, description: error.description };
  }
  if (error instanceof HttpError) {
    const inner = error.error;
    const code = inner instanceof Error ? ((inner as { code?: unknown }).code ?? (inner.cause as { code?: unknown } | undefined)?.code) : undefined;
    return { name: error.name, message: error.message, cause: inner instanceof Error ? inner.name : typeof inner, ...(code ? { code } : {}) };
  }
  if (error instanceof Error) {
    const bug = error.constructor === Error || BUG_CLASSES.some((kind) => error.constructor === kind);
    return { name: error.name, message: error.message.slice(0, 300), ...(bug && error.stack ? { stack: error.stack } : {}) };
  }
  return { name: typeof error, message: String(error).slice(0, 300) };
}
