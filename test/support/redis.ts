/**
 * Redis for tests. The shared server (127.0.0.1:6379) is used by other test files and other people at
 * the same time: tests only touch keys under their own random prefix and delete them afterwards, never
 * flush, never reconfigure. Tests that stop, restart or reconfigure Redis start their own server on a
 * free loopback port instead (`startRedisServer`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';

export const SHARED_REDIS_URI = 'redis://127.0.0.1:6379';

/** A key namespace of one test file, e.g. `assay-test:cache:1f2e3d4c:`. */
export function testKeyPrefix(label: string): string {
  return `assay-test:${label}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK); the prefix must be a test prefix. */
export async function deleteKeys(uri: string, prefix: string): Promise<number> {
  if (!prefix.startsWith('assay-test:'))
    throw new Error(`refusing to delete keys outside a test prefix: ${prefix}`);
  const client = createClient({ url: uri });
  await client.connect();
  try {
    let count = 0;
    const match = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
    for await (const keys of client.scanIterator({ MATCH: match, COUNT: 1000 })) {
      if (keys.length > 0) count += await client.unlink(keys);
    }
    return count;
  } finally {
    client.destroy();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface OwnRedisServer {
  readonly port: number;
  readonly uri: string;
  /** Kills the server (SIGKILL): connections drop without a goodbye. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open but nothing answers (a hung or partitioned server). */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port (and data directory, so AOF data comes back when enabled). */
  start(): Promise<void>;
  /** Kills it and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * A private redis-server on a free loopback port, for tests that kill, restart or reconfigure Redis.
 * `args` are extra server options, e.g. `['--maxmemory-policy', 'allkeys-lru']`.
 */
export async function startRedisServer(
  options: { args?: string[]; appendonly?: boolean } = {},
): Promise<OwnRedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'assay-redis-'));
  const uri = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      options.appendonly ? 'yes' : 'no',
      '--dir',
      dir,
      ...(options.args ?? []),
    ];
    const spawned = spawn('redis-server', args, { stdio: 'ignore' });
    child = spawned;
    await new Promise<void>((resolve, reject) => {
      spawned.once('spawn', () => resolve());
      spawned.once('error', reject);
    });
    for (let i = 0; i < 100; i++) {
      const probe = createClient({ url: uri, socket: { reconnectStrategy: false, connectTimeout: 500 } });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        probe.destroy();
        return;
      } catch {
        probe.destroy();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`redis-server on port ${port} did not start`);
  }

  async function kill(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    port,
    uri,
    kill,
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
