import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canTransition, isFinal, RUN_STATES, statesBefore } from './lifecycle.ts';

describe('run lifecycle', () => {
  it('lets a run go queued → running → a final state, and back to queued for resumption', () => {
    assert.ok(canTransition('queued', 'running'));
    assert.ok(canTransition('running', 'passed'));
    assert.ok(canTransition('running', 'queued'));
    assert.ok(canTransition('queued', 'cancelled'));
  });

  it('never leaves a final state', () => {
    for (const from of RUN_STATES.filter(isFinal)) {
      for (const to of RUN_STATES) assert.equal(canTransition(from, to), false, `${from} → ${to}`);
    }
  });

  it('derives the precondition of each move', () => {
    assert.deepEqual(statesBefore('running'), ['queued']);
    assert.deepEqual(statesBefore('cancelled'), ['queued', 'running']);
    assert.deepEqual(statesBefore('passed'), ['running']);
  });
});
