import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createScriptSandbox } from './index.ts';
import { testInput } from './test-support.ts';
import type { ScriptSandbox } from './types.ts';

let sandbox: ScriptSandbox;

before(async () => {
  sandbox = await createScriptSandbox({ timeoutMs: 5000 });
});
after(() => sandbox.dispose());

test('the libraries Postman scripts use, as globals and through require', async () => {
  const hmac = createHmac('sha256', 'secret').update('message').digest('hex');
  const out = await sandbox.execute(
    testInput(`
      pm.test('lodash', () => {
        pm.expect(_.get({ a: { b: [1, 2] } }, 'a.b[1]')).to.equal(2);
        pm.expect(require('lodash').chunk([1, 2, 3], 2)).to.eql([[1, 2], [3]]);
      });
      pm.test('moment', () => {
        const moment = require('moment');
        pm.expect(moment('2024-02-29T10:00:00Z').utc().format('YYYY-MM-DD')).to.equal('2024-02-29');
        pm.expect(moment().format('YYYY')).to.match(/^\\d{4}$/);
      });
      pm.test('crypto-js', () => {
        pm.expect(CryptoJS.HmacSHA256('message', 'secret').toString()).to.equal('${hmac}');
        pm.expect(require('crypto-js').enc.Base64.stringify(CryptoJS.enc.Utf8.parse('hi'))).to.equal('aGk=');
        pm.expect(CryptoJS.MD5('a').toString()).to.equal('0cc175b9c0f1b6a831c399e269772661');
        pm.expect(CryptoJS.lib.WordArray.random(16).sigBytes).to.equal(16);
      });
      pm.test('uuid', () => {
        const uuid = require('uuid');
        pm.expect(uuid.v4()).to.match(/^[0-9a-f-]{36}$/);
        pm.expect(uuid()).to.match(/^[0-9a-f-]{36}$/);
        pm.expect(uuid.validate(uuid.v4())).to.equal(true);
      });
      pm.test('ajv', () => {
        const Ajv = require('ajv');
        const ajv = new Ajv();
        pm.expect(ajv.validate({ type: 'object', required: ['id'] }, pm.response.json())).to.equal(true);
      });
      pm.test('tv4', () => {
        pm.expect(tv4.validate({ id: 1 }, { type: 'object', properties: { id: { type: 'number' } } })).to.equal(true);
        pm.expect(require('tv4').validate({ id: 'x' }, { properties: { id: { type: 'number' } } })).to.equal(false);
      });
      pm.test('xml2js and xml2Json', () => {
        pm.expect(xml2Json('<user id="1"><name>Ada</name></user>')).to.eql({ user: { $: { id: '1' }, name: 'Ada' } });
        let parsed;
        require('xml2js').parseString('<a><b>1</b></a>', (err, result) => { parsed = result; });
        pm.expect(parsed).to.eql({ a: { b: ['1'] } });
      });
      pm.test('cheerio', () => {
        const $ = cheerio.load('<ul><li class="x">one</li><li>two</li></ul>');
        pm.expect($('li').length).to.equal(2);
        pm.expect(require('cheerio').load('<p title="t">x</p>')('p').attr('title')).to.equal('t');
      });
      pm.test('csv-parse', () => {
        const rows = require('csv-parse/lib/sync')('a,b\\n1,2', { columns: true });
        pm.expect(rows).to.eql([{ a: '1', b: '2' }]);
        pm.expect(require('csv-parse/sync').parse('x\\ny')).to.eql([['x'], ['y']]);
      });
      pm.test('atob, btoa, Buffer', () => {
        pm.expect(btoa('user:pass')).to.equal('dXNlcjpwYXNz');
        pm.expect(atob('dXNlcjpwYXNz')).to.equal('user:pass');
        pm.expect(Buffer.from('hé').toString('base64')).to.equal('aMOp');
        pm.expect(require('buffer').Buffer).to.equal(Buffer);
      });
      pm.test('chai is requirable', () => {
        require('chai').expect(1).to.equal(1);
      });
    `),
  );
  assert.deepEqual(
    out.tests.filter((t) => !t.passed).map((t) => [t.name, t.error]),
    [],
  );
  assert.deepEqual(out.scriptErrors, []);
  assert.equal(out.tests.length, 11);
});
