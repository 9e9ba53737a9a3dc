import { LRUCache } from 'lru-cache';
import { displayName } from '../shared/display-name.js';
import type { SessionInfo, WasendApi } from './types.js';

/**
 * The display names of sessions, learnt from every session Wasend describes (list, info, create), so that any
 * message can name a session ("Shop front desk (shop-1)") without asking Wasend again.
 */
export interface SessionNames {
  nameOf: (sessionId: string) => string | undefined;
  /** `Name (id)` when the session has a name of its own, else the id. */
  label: (sessionId: string) => string;
  /** Every session id and name known, for "did you mean". */
  known: () => Array<{ id: string; name?: string }>;
  /** How many known sessions are in each state, as the gateway last described them (metrics). */
  stateCounts: () => Record<string, number>;
}

/** Sessions remembered; far above what one Wasend account holds. */
const MAX_NAMES = 20_000;
/** Longest name shown, in graphemes. */
const NAME_CHARS = 60;

/** Wraps a Wasend client so that every session it describes teaches the returned {@link SessionNames}. */
export function withSessionNames(wasend: WasendApi): { wasend: WasendApi; names: SessionNames } {
  const names = new LRUCache<string, string>({ max: MAX_NAMES });
  const states = new LRUCache<string, string>({ max: MAX_NAMES });
  /** Every session seen is kept (`''`: it has no name of its own), so "did you mean" knows its id too. */
  const note = (info: SessionInfo): SessionInfo => {
    const name = displayName(info.name ?? '', NAME_CHARS);
    names.set(info.id, name === info.id ? '' : name);
    states.set(info.id, info.status.state);
    return info;
  };
  const wrapped: WasendApi = {
    ...wasend,
    getSession: async (...args) => note(await wasend.getSession(...args)),
    listSessions: async (...args) => (await wasend.listSessions(...args)).map(note),
    createSession: async (...args) => note(await wasend.createSession(...args)),
    deleteSession: async (sessionId, options) => {
      await wasend.deleteSession(sessionId, options);
      names.delete(sessionId);
      states.delete(sessionId);
    },
  };
  return {
    wasend: wrapped,
    names: {
      nameOf: (sessionId) => names.get(sessionId) || undefined,
      label(sessionId) {
        const name = names.get(sessionId);
        return name ? `${name} (${sessionId})` : sessionId;
      },
      known: () => [...names.entries()].map(([id, name]) => (name ? { id, name } : { id })),
      stateCounts() {
        const counts: Record<string, number> = {};
        for (const state of states.values()) counts[state] = (counts[state] ?? 0) + 1;
        return counts;
      },
    },
  };
}
