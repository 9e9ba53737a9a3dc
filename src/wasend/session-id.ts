import { InvalidSessionIdError } from './errors.js';

/** Longest session id accepted, in characters. */
export const MAX_SESSION_ID_LENGTH = 128;

// \s covers Unicode spaces; \p{Cc} the C0/C1 control characters; \p{Cf} the invisible format characters
// (zero-width spaces and joiners, soft hyphen, the bidi embeddings, overrides and isolates that reorder lines).
const FORBIDDEN = /[/\\\s\p{Cc}\p{Cf}]/u;

function findProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'must be a string';
  if (id.length === 0) return 'must not be empty';
  if (id.length > MAX_SESSION_ID_LENGTH) return `must be at most ${MAX_SESSION_ID_LENGTH} characters`;
  if (id === '.' || id === '..') return 'must not be "." or ".."';
  if (FORBIDDEN.test(id)) return 'must not contain "/", "\\", whitespace, control or invisible characters';
  return undefined;
}

/**
 * True when `id` can be sent as one path segment and reads as what it is: non-empty, at most 128 characters, no `/`,
 * `\`, whitespace, control or invisible (format) characters, not `.` or `..`.
 */
export function isValidSessionId(id: string): boolean {
  return findProblem(id) === undefined;
}

/** Throws {@link InvalidSessionIdError} (saying what is wrong) unless {@link isValidSessionId} holds. */
export function assertValidSessionId(id: string): void {
  const problem = findProblem(id);
  if (problem !== undefined) throw new InvalidSessionIdError(String(id), problem);
}
