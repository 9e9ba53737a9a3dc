import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSessionIdError } from '../../src/wasend/errors.js';
import { assertValidSessionId, isValidSessionId } from '../../src/wasend/session-id.js';

describe('session ids', () => {
  it.each(['demo', 'a', 'x'.repeat(128), 'team+1@example.com', 'ünïcødé-セッション', '...', 'a.b', '%2F', '?#'])('accepts %j', (id) => {
    expect(isValidSessionId(id)).toBe(true);
    expect(() => assertValidSessionId(id)).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['x'.repeat(129), /at most 128/],
    ['.', /"\." or "\.\."/],
    ['..', /"\." or "\.\."/],
    ['a/b', /"\/"/],
    ['a\\b', /"\/"/],
    [' lead', /whitespace/],
    ['in side', /whitespace/],
    ['line\nbreak', /whitespace/],
    ['bell\u0007', /control/],
    ['c1\u0085', /control/],
    ['ideographic\u3000space', /whitespace/],
  ])('rejects %j, saying why', (id, reason) => {
    expect(isValidSessionId(id)).toBe(false);
    const error = (() => {
      try {
        assertValidSessionId(id);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidSessionIdError);
    expect((error as InvalidSessionIdError).message).toMatch(reason);
    expect((error as InvalidSessionIdError).sessionId).toBe(id);
  });

  it('every accepted id encodes to exactly one path segment', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 128, unit: 'binary' }), (id) => {
        if (!isValidSessionId(id)) return;
        const segment = encodeURIComponent(id);
        expect(segment).not.toMatch(/[/\\?#\s]/);
        expect(decodeURIComponent(segment)).toBe(id);
      }),
    );
  });

  it('any id holding a slash, backslash or whitespace is refused', () => {
    const forbidden = fc.constantFrom('/', '\\', ' ', '\t', '\n', '\r', '\u0000', '\u007f', '\u2028');
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), forbidden, fc.string({ maxLength: 60 }), (before, bad, after) => {
        expect(isValidSessionId(`${before}${bad}${after}`)).toBe(false);
      }),
    );
  });
});
