/**
 * The real binary: `assay serve` on a fresh data directory starts, migrates, prints the setup link,
 * serves, and stops cleanly on SIGTERM; `assay migrate` applies migrations once.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'assay-serve-'));
});
after(() => rm(dataDir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const {
    ASSAY_ADMIN_EMAIL: _e,
    ASSAY_ADMIN_PASSWORD: _p,
    DATABASE_URL: _d,
    REDIS_URI: _r,
    ...rest
  } = process.env;
  return { ...rest, ASSAY_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extra };
}

function collect(child: ChildProcess): { lines: () => Record<string, unknown>[]; text: () => string } {
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out += String(chunk);
  });
  return {
    text: () => out,
    lines: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function waitFor<T>(probe: () => T | undefined, what: string, child: ChildProcess): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('assay migrate', () => {
  it('applies the migrations to a fresh database, then has nothing to do', async () => {
    const first = spawn(process.execPath, [MAIN, 'migrate'], { env: env({}) });
    const output = collect(first);
    const [code] = await once(first, 'exit');
    assert.equal(code, 0, output.text());
    assert.match(output.text(), /Applied migrations: 1, 2, 3, 4, 5/);
    const second = spawn(process.execPath, [MAIN, 'migrate'], { env: env({}) });
    const again = collect(second);
    assert.equal((await once(second, 'exit'))[0], 0);
    assert.match(again.text(), /Database is up to date\./);
  });
});

describe('assay serve', () => {
  it('serves on PORT, logs the setup link, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, 'serve'], { env: env({ PORT: String(port) }) });
    const output = collect(child);
    try {
      const listening = await waitFor(
        () => output.lines().find((line) => String(line.msg).startsWith('Assay listening on')),
        'the listening line',
        child,
      );
      assert.equal(listening.url, `http://127.0.0.1:${port}`);
      assert.equal(listening.mode, 'embedded');
      assert.ok(output.lines().some((line) => /setup#token=/.test(String(line.msg))));

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(((await ready.json()) as { status: string }).status, 'ready');
      const setup = await fetch(`http://127.0.0.1:${port}/api/v1/setup`);
      assert.deepEqual(await setup.json(), { setup_required: true });

      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0, output.text());
      assert.ok(output.lines().some((line) => line.msg === 'shutting down' && line.reason === 'SIGTERM'));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses bad configuration with the list of problems', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      env: env({ PORT: 'eighty', LOG_LEVEL: 'loud' }),
    });
    const output = collect(child);
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(output.text(), /Invalid configuration \(2 problems\)/);
    assert.match(output.text(), /PORT:/);
    assert.match(output.text(), /LOG_LEVEL:/);
  });
});
