/** The SSE reader follows the HTML standard's parsing rules, whatever the chunking. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSse, type SseMessage } from './sse-client.ts';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function read(chunks: string[]): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of readSse(streamOf(chunks))) messages.push(message);
  return messages;
}

describe('readSse', () => {
  it('parses ids, event names, multi-line data and comments, and keeps the last id', async () => {
    const messages = await read([
      'retry: 2000\n\n: heartbeat\n\nid: 1\nevent: run.started\ndata: {"a":1}\n\n',
      'data: line one\ndata: line two\n\n',
      'id: 3\ndata:no space\n\n',
    ]);
    assert.deepEqual(messages, [
      { id: '1', event: 'run.started', data: '{"a":1}' },
      { id: '1', event: 'message', data: 'line one\nline two' },
      { id: '3', event: 'message', data: 'no space' },
    ]);
  });

  it('handles CRLF and CR line ends split across chunks, and drops an unfinished event', async () => {
    const messages = await read(['id: 7\r', '\nevent: x\r\ndata: y\r', '\r', 'data: cut off']);
    assert.deepEqual(messages, [{ id: '7', event: 'x', data: 'y' }]);
    const utf8 = await read(['data: caf', 'é\n\n']);
    assert.equal(utf8[0]?.data, 'café');
  });
});
