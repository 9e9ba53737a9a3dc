import { GrammyError, HttpError } from 'grammy';

/**
 * A loggable summary of an error without request URLs or payloads: grammY's `HttpError.error` and some
 * fetch errors carry the API URL, which holds the bot token.
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
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error).slice(0, 200) };
}
