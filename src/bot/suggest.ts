import type { BotContext } from './context.js';

/** A session the person may have meant. */
export interface SessionCandidate {
  readonly id: string;
  readonly name?: string;
}

/**
 * The id of the session `input` most likely meant: the same id or name in another case, else the closest id or
 * name within a small edit distance (1 for up to 4 characters, else 2). Undefined when nothing is close.
 */
export function suggestSession(input: string, candidates: readonly SessionCandidate[]): string | undefined {
  const wanted = input.toLowerCase();
  for (const candidate of candidates) {
    if (candidate.id !== input && (candidate.id.toLowerCase() === wanted || candidate.name?.toLowerCase() === wanted)) return candidate.id;
  }
  const limit = wanted.length <= 4 ? 1 : 2;
  let best: { id: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate.id === input) continue;
    for (const text of [candidate.id, candidate.name]) {
      if (text === undefined) continue;
      const distance = editDistance(wanted, text.toLowerCase(), limit);
      if (distance <= limit && (best === undefined || distance < best.distance)) best = { id: candidate.id, distance };
    }
  }
  return best?.id;
}

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one (optimal string
 * alignment: "shpo" is one edit from "shop"), giving up (returning `limit + 1`) once it must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const above = rows[i - 1] as number[];
      let value = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1);
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] ?? limit + 1;
}

/**
 * " Did you mean demo?" (with its leading space) when `input` looks like a session the person may use, else "".
 * Admins are matched against every session Wasend listed lately (listed now when none is known), others against
 * their granted sessions.
 */
export async function didYouMean(ctx: BotContext, input: string): Promise<string> {
  const { names, wasend } = ctx.deps;
  let candidates: SessionCandidate[] = ctx.access.isAdmin
    ? names.known()
    : ctx.access.granted.map((id) => {
        const name = names.nameOf(id);
        return name === undefined ? { id } : { id, name };
      });
  if (ctx.access.isAdmin && candidates.length === 0) {
    candidates = await wasend.listSessions({ lane: 'person', fairKey: String(ctx.access.userId) }).then(
      (sessions) => sessions.map((s) => (s.name === undefined ? { id: s.id } : { id: s.id, name: s.name })),
      () => [],
    );
  }
  const suggestion = suggestSession(input, candidates);
  return suggestion === undefined ? '' : ` ${ctx.t('did-you-mean', { suggestion })}`;
}

/** The refusal for a session the person may not use, with a "did you mean" when one fits. */
export async function refusedSessionText(ctx: BotContext, input: string): Promise<string> {
  return ctx.t('refused-session') + (await didYouMean(ctx, input));
}
