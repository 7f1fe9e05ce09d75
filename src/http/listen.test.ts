import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { describe, it } from 'node:test';
import { listen } from './listen.ts';

function get(url: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listen', () => {
  it('lets an in-flight request finish, closes idle keep-alive sockets, and refuses new connections', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = await listen(
      (req, res) => {
        if (req.url === '/slow') {
          arrived();
          void held.then(() => res.end('done'));
        } else res.end('fast');
      },
      { port: 0, host: '127.0.0.1' },
    );
    const agent = new Agent({ keepAlive: true });
    assert.equal((await get(`${server.url}/fast`, agent)).body, 'fast'); // leaves an idle keep-alive socket
    const slow = get(`${server.url}/slow`);
    await inFlight;
    const closed = server.close();
    await assert.rejects(get(`${server.url}/fast`), /ECONNREFUSED/);
    release();
    assert.deepEqual(await slow, { status: 200, body: 'done' });
    await closed;
    agent.destroy();
  });

  it('cuts what is left when the deadline fires', async () => {
    const server = await listen(
      () => {
        // Never answers, like a live event stream.
      },
      { port: 0, host: '127.0.0.1' },
    );
    const hanging = get(`${server.url}/stream`).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const deadline = new AbortController();
    const closed = server.close(deadline.signal);
    deadline.abort();
    await closed;
    assert.match(String(await hanging), /socket hang up|ECONNRESET/);
  });
});
