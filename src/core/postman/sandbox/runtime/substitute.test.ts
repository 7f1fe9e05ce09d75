import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DYNAMIC_VARIABLE_NAMES, dynamicVariable } from './dynamic-variables.ts';
import { substitute, type VariableLookup } from './substitute.ts';

const from =
  (values: Record<string, unknown>): VariableLookup =>
  (name) =>
    Object.hasOwn(values, name) ? { value: values[name] } : undefined;

test('known names are replaced, unknown ones stay, nested references resolve', () => {
  const lookup = from({ base: 'http://{{host}}', host: 'h', n: 5, obj: { a: 1 }, empty: '' });
  assert.equal(substitute('{{base}}/{{n}}/{{missing}}', lookup), 'http://h/5/{{missing}}');
  assert.equal(substitute('{{obj}}|{{empty}}|', lookup), '{"a":1}||');
});

test('self-references stop at the depth limit instead of looping', () => {
  assert.equal(substitute('{{a}}', from({ a: '{{a}}' })), '{{a}}');
});

test('dynamic variables are resolved unless a scope defines the name', () => {
  assert.match(substitute('{{$guid}}', from({})), /^[0-9a-f]{8}-/);
  assert.equal(substitute('{{$guid}}', from({ $guid: 'mine' })), 'mine');
  for (const name of DYNAMIC_VARIABLE_NAMES) {
    assert.equal(typeof dynamicVariable(name), 'string', name);
    assert.notEqual(dynamicVariable(name), '', name);
  }
  assert.equal(dynamicVariable('$unknown'), undefined);
});
