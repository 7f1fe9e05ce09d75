import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXml } from '../../test/fixtures/cli/xml.ts';
import { element, escapeAttribute, escapeText } from './xml.ts';

test('xml: markup characters are escaped', () => {
  assert.equal(escapeText('a < b && c > d'), 'a &lt; b &amp;&amp; c &gt; d');
  assert.equal(escapeAttribute(`"it's"\n\t`), '&quot;it&apos;s&quot;&#10;&#9;');
});

test('xml: characters XML cannot carry become visible escapes', () => {
  assert.equal(escapeText('bell\u0007 esc\u001b nul\u0000'), 'bell\\u0007 esc\\u001b nul\\u0000');
  assert.equal(escapeText('lone \ud800 surrogate'), 'lone \\ud800 surrogate');
  assert.equal(escapeText('pair 😀 kept'), 'pair 😀 kept');
});

test('xml: any string round-trips through an element', () => {
  const nasty = `<x a="1"> & ]]> \r\n\t 'q' \u0001 😀`;
  const parsed = parseXml(element('e', { message: nasty }, escapeText(nasty)));
  assert.equal(parsed.attributes.message, nasty.replace('\u0001', '\\u0001'));
  assert.equal(parsed.text, nasty.replace('\u0001', '\\u0001'));
});
