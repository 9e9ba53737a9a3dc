/** Why `signal` was aborted, as an Error (an abort with a plain value becomes an AbortError carrying it as cause). */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error('This operation was aborted', { cause: reason }), { name: 'AbortError' });
}
