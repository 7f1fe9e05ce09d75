import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roleAtLeast, scopeGrants } from './access.ts';

describe('access', () => {
  it('orders roles viewer < member < admin < owner', () => {
    assert.equal(roleAtLeast('owner', 'admin'), true);
    assert.equal(roleAtLeast('admin', 'admin'), true);
    assert.equal(roleAtLeast('member', 'admin'), false);
    assert.equal(roleAtLeast('viewer', 'member'), false);
    assert.equal(roleAtLeast('viewer', 'viewer'), true);
  });

  it('grants scopes: admin everything, write its read', () => {
    assert.equal(scopeGrants(['admin'], 'suites:write'), true);
    assert.equal(scopeGrants(['runs:write'], 'runs:read'), true);
    assert.equal(scopeGrants(['runs:read'], 'runs:write'), false);
    assert.equal(scopeGrants(['runs:write'], 'suites:read'), false);
    assert.equal(scopeGrants([], 'runs:read'), false);
    assert.equal(scopeGrants(['suites:write'], 'admin'), false);
  });
});
