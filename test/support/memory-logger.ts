import type { LogSink } from '../../src/shared/logger.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg?: string;
}

/** A logger that keeps every line, to assert on what was (and was not) logged. */
export function createMemoryLogger(): LogSink & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg?: string) => void entries.push({ level, obj, ...(msg ? { msg } : {}) });
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    /** Every entry as JSON, errors with their message and stack. */
    text: () => JSON.stringify(entries, (_key, value: unknown) => (value instanceof Error ? { message: value.message, stack: value.stack } : value)),
  };
}
