import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, editDistance } from './closest.ts';

describe('closest', () => {
  it('counts insertions, deletions, substitutions and swaps as one edit each', () => {
    assert.equal(editDistance('name', 'name'), 0);
    assert.equal(editDistance('name', 'nmae'), 1);
    assert.equal(editDistance('name', 'names'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('suggests only plausible typos', () => {
    assert.equal(closest('userID', ['userId', 'baseUrl']), 'userId');
    assert.equal(closest('x', ['y', 'abc']), 'y');
    assert.equal(closest('token', ['baseUrl', 'userId']), undefined);
    assert.equal(closest('anything', []), undefined);
  });
});
