import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../command.ts';
import { asSecrets, assignments, parseDotenv, parseScalar, readVariablesFile } from './inputs.ts';

test('--var values: numbers, booleans and null are typed, the rest stays text', () => {
  assert.equal(parseScalar('42'), 42);
  assert.equal(parseScalar('-1.5e3'), -1500);
  assert.equal(parseScalar('true'), true);
  assert.equal(parseScalar('false'), false);
  assert.equal(parseScalar('null'), null);
  for (const text of ['042', '1.', '0x10', 'NaN', 'Infinity', 'yes', '"42"', '', ' a b ', '{"a":1}']) {
    assert.equal(parseScalar(text), text);
  }
});

test('--var NAME=VALUE splits at the first =', () => {
  assert.deepEqual(assignments(['a=1', 'url=http://x/?q=1', 'empty='], '--var', parseScalar), {
    a: 1,
    url: 'http://x/?q=1',
    empty: '',
  });
  assert.throws(() => assignments(['novalue'], '--var', parseScalar), UsageError);
  assert.throws(() => assignments(['=v'], '--var', parseScalar), UsageError);
});

test('dotenv files: comments, export, quotes, inline comments', () => {
  const text = [
    '# a comment',
    '',
    'PLAIN=hello world',
    'NUMBER=3',
    'export EXPORTED=yes',
    'DOUBLE="3"',
    'ESCAPES="a\\nb \\"q\\""',
    "SINGLE='it is # not a comment'",
    'INLINE=value # a comment',
    'SPACED = x',
  ].join('\n');
  assert.deepEqual(parseDotenv(text, 'f'), {
    PLAIN: 'hello world',
    NUMBER: 3,
    EXPORTED: 'yes',
    DOUBLE: '3',
    ESCAPES: 'a\nb "q"',
    SINGLE: 'it is # not a comment',
    INLINE: 'value',
    SPACED: 'x',
  });
  assert.throws(() => parseDotenv('A=1\nnot a line', 'f'), /f:2: expected NAME=VALUE/);
});

test('variable files by extension; unreadable and malformed files are usage errors', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'assay-inputs-'));
  try {
    await writeFile(path.join(dir, 'v.json'), '{"a": {"b": [1]}, "n": 2}');
    await writeFile(path.join(dir, 'v.yaml'), 'a: x\nn: 2\n');
    await writeFile(path.join(dir, 'list.yaml'), '- 1\n- 2\n');
    await writeFile(path.join(dir, 'bad.json'), '{');
    assert.deepEqual(await readVariablesFile(path.join(dir, 'v.json'), '--env-file'), {
      a: { b: [1] },
      n: 2,
    });
    assert.deepEqual(await readVariablesFile(path.join(dir, 'v.yaml'), '--env-file'), { a: 'x', n: 2 });
    await assert.rejects(readVariablesFile(path.join(dir, 'list.yaml'), '--env-file'), /expected a map/);
    await assert.rejects(readVariablesFile(path.join(dir, 'bad.json'), '--env-file'), /not valid JSON/);
    await assert.rejects(readVariablesFile(path.join(dir, 'missing.env'), '--env-file'), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /missing\.env: cannot read \(ENOENT\)/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('secrets are strings; nested values are refused', () => {
  assert.deepEqual(asSecrets({ a: 1, b: 'x', c: true }, 'f'), { a: '1', b: 'x', c: 'true' });
  assert.throws(() => asSecrets({ a: { b: 1 } }, 'f'), /secret a must be a string/);
});
