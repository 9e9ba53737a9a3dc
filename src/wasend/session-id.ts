import { InvalidSessionIdError } from './errors.js';

/** Longest session id accepted, in characters. */
export const MAX_SESSION_ID_LENGTH = 128;

// \s covers Unicode spaces; \p{Cc} the C0/C1 control characters.
const FORBIDDEN = /[/\\\s\p{Cc}]/u;

function findProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'must be a string';
  if (id.length === 0) return 'must not be empty';
  if (id.length > MAX_SESSION_ID_LENGTH) return `must be at most ${MAX_SESSION_ID_LENGTH} characters`;
  if (id === '.' || id === '..') return 'must not be "." or ".."';
  if (FORBIDDEN.test(id)) return 'must not contain "/", "\\", whitespace or control characters';
  return undefined;
}

/** True when `id` can be sent as one path segment: non-empty, at most 128 characters, no `/`, `\`, whitespace or control characters, not `.` or `..`. */
export function isValidSessionId(id: string): boolean {
  return findProblem(id) === undefined;
}

/** Throws {@link InvalidSessionIdError} (saying what is wrong) unless {@link isValidSessionId} holds. */
export function assertValidSessionId(id: string): void {
  const problem = findProblem(id);
  if (problem !== undefined) throw new InvalidSessionIdError(String(id), problem);
}
