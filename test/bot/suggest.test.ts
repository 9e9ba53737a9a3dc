import { describe, expect, it } from 'vitest';
import { editDistance, suggestSession } from '../../src/bot/suggest.js';

describe('suggestSession', () => {
  const sessions = [{ id: 'demo', name: 'Front desk' }, { id: 'shop-1' }, { id: 'warehouse', name: 'Warehouse' }];

  it('finds the same id or name in another case first', () => {
    expect(suggestSession('DEMO', sessions)).toBe('demo');
    expect(suggestSession('front desk', sessions)).toBe('demo');
  });

  it('finds a close id or name: a typo, a missing or extra letter, two letters swapped', () => {
    expect(suggestSession('dmeo', sessions)).toBe('demo');
    expect(suggestSession('shop1', sessions)).toBe('shop-1');
    expect(suggestSession('warehose', sessions)).toBe('warehouse');
    expect(suggestSession('Frontdesk', sessions)).toBe('demo');
  });

  it('suggests nothing far away, nor the very id that was typed', () => {
    expect(suggestSession('zzzz', sessions)).toBeUndefined();
    expect(suggestSession('demo', sessions)).toBeUndefined();
    expect(suggestSession('de', sessions)).toBeUndefined();
  });

  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('shpo', 'shop')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abcdefgh', 2)).toBe(3);
  });
});
