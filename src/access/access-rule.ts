/**
 * The one access rule: an admin (from the config) may use every session, anyone else the sessions granted in
 * the store, read at the moment of action. When the store cannot answer, the answer is unknown: it throws
 * {@link AccessUnknownError}, which nobody may read as "no" (that would end people's live messages and tell them
 * they lost access during a database outage) nor as "yes".
 */
export class AccessUnknownError extends Error {
  constructor(cause: unknown) {
    super('access cannot be checked: the store does not answer', { cause });
    this.name = 'AccessUnknownError';
  }
}

/** The grant reads the rule needs (the store's grant repository). */
export interface GrantReader {
  has(userId: number, sessionId: string): Promise<boolean>;
  sessionsOf(userId: number): Promise<string[]>;
}

export interface AccessRule {
  isAdmin: (userId: number) => boolean;
  /** Whether `userId` may use `sessionId` now; throws {@link AccessUnknownError} when the store cannot say. */
  mayUse: (userId: number, sessionId: string) => Promise<boolean>;
  /** The sessions granted to `userId` (empty for an admin, who may use every one); throws {@link AccessUnknownError}. */
  grantedTo: (userId: number) => Promise<string[]>;
}

export function createAccessRule(adminIds: ReadonlySet<number>, grants: GrantReader): AccessRule {
  const read = async <T>(reading: () => Promise<T>): Promise<T> => {
    try {
      return await reading();
    } catch (error) {
      throw new AccessUnknownError(error);
    }
  };
  return {
    isAdmin: (userId) => adminIds.has(userId),
    mayUse: async (userId, sessionId) => adminIds.has(userId) || (await read(() => grants.has(userId, sessionId))),
    grantedTo: (userId) => read(() => grants.sessionsOf(userId)),
  };
}
