import * as assert from 'node:assert/strict';
import { BoundedCache } from '../../../src/core/boundedCache';

describe('BoundedCache', () => {
  it('keeps at most `limit` entries and drops the least recently set', () => {
    const cache = new BoundedCache<number>(3);
    for (const [index, key] of ['a', 'b', 'c'].entries()) {
      cache.set(key, index);
    }
    cache.set('a', 10); // refreshes a
    cache.set('d', 3); // evicts b, the oldest
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 10);
    assert.equal(cache.get('c'), 2);
    assert.equal(cache.get('d'), 3);
  });

  it('deletes on request', () => {
    const cache = new BoundedCache<string>(2);
    cache.set('x', 'y');
    cache.delete('x');
    assert.equal(cache.get('x'), undefined);
    assert.equal(cache.size, 0);
  });
});
