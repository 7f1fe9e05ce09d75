/** Pure: strings in, categories out. No sockets, no DNS. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AddressCategory, classifyAddress } from './classify.ts';

function expectClass(input: string, category: AddressCategory, address?: string, embedded?: string): void {
  const result = classifyAddress(input);
  assert.ok(result, `${input} should parse as an address`);
  assert.equal(result.category, category, `${input} → ${result.address}`);
  if (address !== undefined) assert.equal(result.address, address, input);
  if (embedded !== undefined) assert.equal(result.embedded, embedded, input);
}

describe('classifyAddress: IPv4 spellings are normalised the way URLs are', () => {
  const loopbackSpellings = [
    '127.0.0.1',
    '2130706433',
    '017700000001',
    '0x7f000001',
    '0x7f.1',
    '0x7f.0.0.0x1',
    '0177.0.0.1',
    '127.1',
    '127.0.1',
    '127.0.0.1.',
    '127。0。0。1',
    '%31%32%37.0.0.1',
  ];
  for (const spelling of loopbackSpellings) {
    it(`${spelling} is 127.0.0.1`, () => expectClass(spelling, 'loopback', '127.0.0.1'));
  }
  it('012.0.0.1 is octal: 10.0.0.1, private', () => expectClass('012.0.0.1', 'private', '10.0.0.1'));
  it('0 is 0.0.0.0', () => expectClass('0', 'unspecified', '0.0.0.0'));
  it('host names and host:port are not addresses', () => {
    for (const text of ['localhost', 'example.com', '127.0.0.1.nip.io', '127.0.0.1:80', 'a@127.0.0.1', '']) {
      assert.equal(classifyAddress(text), undefined, text);
    }
  });
  it('out-of-range numbers are not addresses', () => {
    for (const text of ['4294967296', '256.0.0.1', '1.2.3.4.5'])
      assert.equal(classifyAddress(text), undefined);
  });
});

describe('classifyAddress: IPv4 ranges', () => {
  const table: [string, AddressCategory][] = [
    ['0.1.2.3', 'unspecified'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['127.255.255.254', 'loopback'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmark'],
    ['198.19.255.255', 'benchmark'],
    ['192.88.99.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
  ];
  for (const [address, category] of table)
    it(`${address} is ${category}`, () => expectClass(address, category));
});

describe('classifyAddress: IPv6', () => {
  const table: [string, AddressCategory, string?][] = [
    ['::', 'unspecified', '::'],
    ['::1', 'loopback', '::1'],
    ['[::1]', 'loopback', '::1'],
    ['0:0:0:0:0:0:0:1', 'loopback', '::1'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local', 'fe80::1'],
    ['[fe80::1%25eth0]', 'link-local', 'fe80::1'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fd20:ce::254', 'metadata'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmark'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['100::1', 'reserved'],
    ['64:ff9b:1::a00:1', 'reserved'],
    ['4000::1', 'reserved'],
    ['2606:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
  ];
  for (const [input, category, address] of table) {
    it(`${input} is ${category}`, () => expectClass(input, category, address));
  }
});

describe('classifyAddress: IPv6 forms carrying an IPv4 address are judged by it', () => {
  it('IPv4-mapped, in either spelling and any case', () => {
    expectClass('::ffff:127.0.0.1', 'loopback', '::ffff:7f00:1', '127.0.0.1');
    expectClass('[::ffff:7f00:1]', 'loopback', '::ffff:7f00:1', '127.0.0.1');
    expectClass('::fFFf:127.0.0.1', 'loopback', '::ffff:7f00:1', '127.0.0.1');
    expectClass('::ffff:169.254.169.254', 'metadata', undefined, '169.254.169.254');
    expectClass('::ffff:10.0.0.1', 'private');
    expectClass('::ffff:8.8.8.8', 'public', '::ffff:808:808', '8.8.8.8');
  });
  it('IPv4-translated (::ffff:0:a.b.c.d)', () =>
    expectClass('::ffff:0:7f00:1', 'loopback', undefined, '127.0.0.1'));
  it('NAT64 64:ff9b::/96', () => {
    expectClass('64:ff9b::7f00:1', 'loopback', undefined, '127.0.0.1');
    expectClass('64:ff9b::169.254.169.254', 'metadata');
    expectClass('64:ff9b::808:808', 'public', undefined, '8.8.8.8');
  });
  it('6to4 2002::/16', () => {
    expectClass('2002:7f00:1::', 'loopback', undefined, '127.0.0.1');
    expectClass('2002:a9fe:a9fe::1', 'metadata', undefined, '169.254.169.254');
    expectClass('2002:c0a8:101::1', 'private', undefined, '192.168.1.1');
    expectClass('2002:808:808::1', 'public', undefined, '8.8.8.8');
  });
  it('IPv4-compatible (deprecated): the embedded category, or reserved when that would be public', () => {
    expectClass('::127.0.0.1', 'loopback', '::7f00:1', '127.0.0.1');
    expectClass('::a00:1', 'private', undefined, '10.0.0.1');
    expectClass('::8.8.8.8', 'reserved', '::808:808', '8.8.8.8');
  });
  it('the note says which metadata service', () => {
    assert.equal(classifyAddress('169.254.170.2')?.note, 'AWS ECS task credentials');
    assert.equal(classifyAddress('::ffff:100.100.100.200')?.note, 'Alibaba Cloud');
  });
});
