/**
 * The one poll-until helper of the tests: runs `check` (sync or async) until it returns something other than
 * undefined, null or false, and returns that. A throwing check counts as not yet; its last error is in the
 * timeout's message. Re-checks every `everyMs` (default 10 ms); rejects after `timeoutMs` (default 5 s).
 */
export async function eventually<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  description: string,
  timeoutMs = 5_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const cause = last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`;
      throw new Error(`timed out waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
