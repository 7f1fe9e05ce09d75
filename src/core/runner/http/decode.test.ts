import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { createBodySink, decodingsOf } from './decode.ts';
import type { HttpError } from './types.ts';

function decode(encoding: string, wire: Buffer, maxBytes = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sink = createBodySink(decodingsOf(encoding), maxBytes, {
      done: resolve,
      fail: (error: HttpError) => reject(error),
      drain: () => {},
    });
    for (let offset = 0; offset < wire.length; offset += 16 * 1024)
      sink.write(wire.subarray(offset, offset + 16 * 1024));
    sink.end();
  });
}

const encoders: Record<string, (data: Buffer) => Buffer> = {
  gzip: zlib.gzipSync,
  'x-gzip': zlib.gzipSync,
  deflate: zlib.deflateSync,
  br: zlib.brotliCompressSync,
  zstd: zlib.zstdCompressSync,
};

describe('body decoding', () => {
  for (const [encoding, encode] of Object.entries(encoders)) {
    test(`${encoding}: small bodies at once, large ones streamed`, async () => {
      const small = Buffer.from(JSON.stringify({ encoding, list: [1, 2, 3] }));
      assert.deepEqual(await decode(encoding, encode(small)), small);
      const large = randomBytes(300 * 1024);
      assert.deepEqual(await decode(encoding, encode(large)), large);
    });
  }

  test('raw deflate is recognised, small and large', async () => {
    const small = Buffer.from('raw deflate body');
    assert.deepEqual(await decode('deflate', zlib.deflateRawSync(small)), small);
    const large = randomBytes(200 * 1024);
    assert.deepEqual(await decode('deflate', zlib.deflateRawSync(large)), large);
  });

  test('stacked encodings are undone last first', async () => {
    const body = Buffer.from('twice encoded');
    assert.deepEqual(decodingsOf('gzip, br'), ['br', 'gzip']);
    assert.deepEqual(await decode('gzip, br', zlib.brotliCompressSync(zlib.gzipSync(body))), body);
  });

  test('identity and unknown encodings keep the body as sent', () => {
    assert.equal(decodingsOf(undefined), undefined);
    assert.equal(decodingsOf('identity'), undefined);
    assert.equal(decodingsOf('compress'), undefined);
  });

  test('the decoded bound applies at once and while streaming', async () => {
    await assert.rejects(decode('gzip', zlib.gzipSync(Buffer.alloc(100_000)), 1000), {
      code: 'BODY_TOO_LARGE',
    });
    await assert.rejects(decode('br', zlib.brotliCompressSync(randomBytes(200_000)), 100_000), {
      code: 'BODY_TOO_LARGE',
    });
    await assert.rejects(decode('gzip', Buffer.from('not gzip at all')), { code: 'NETWORK' });
  });

  test('an empty encoded body decodes to nothing', async () => {
    assert.equal((await decode('gzip', Buffer.alloc(0))).length, 0);
  });
});
