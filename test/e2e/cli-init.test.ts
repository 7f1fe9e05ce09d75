/** A newcomer's first minutes: `assay init`, `assay demo-target`, `assay run` — passing with no network. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { collect, MAIN, runCli, tempDir } from '../fixtures/cli/run-cli.ts';

async function startDemo(
  cwd: string,
): Promise<{ url: string; stop: () => Promise<{ code: number | null; stdout: string }> }> {
  const child = spawn(process.execPath, [MAIN, 'demo-target', '--port', '0'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = collect(child);
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('close', () => reject(new Error(`demo-target exited: ${seen}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGINT');
      return done;
    },
  };
}

describe('assay init and demo-target', () => {
  test('init writes an example suite that passes against the demo target', async () => {
    const { dir, remove } = await tempDir();
    try {
      const init = await runCli(['init'], { cwd: dir });
      assert.equal(init.code, 0, init.stderr);
      assert.match(init.stdout, /Created assay\/example\.yaml/);
      assert.match(init.stdout, /npx assay demo-target/);

      const validate = await runCli(['validate', 'assay'], { cwd: dir });
      assert.equal(validate.code, 0, validate.stderr);

      const demo = await startDemo(dir);
      try {
        const run = await runCli(['run', 'assay', '--var', `baseUrl=${demo.url}`], { cwd: dir });
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, /✓ PASSED {2}1 suite · 5 steps: 5 passed/);
      } finally {
        const stopped = await demo.stop();
        assert.equal(stopped.code, 0);
        assert.match(stopped.stdout, /Demo API stopped/);
      }
    } finally {
      await remove();
    }
  });

  test('init never overwrites a file; it can write into another folder', async () => {
    const { dir, remove } = await tempDir();
    try {
      const file = path.join(dir, 'tests', 'api', 'example.yaml');
      const first = await runCli(['init', 'tests/api'], { cwd: dir });
      assert.equal(first.code, 0, first.stderr);
      await writeFile(file, 'mine\n');
      const second = await runCli(['init', 'tests/api'], { cwd: dir });
      assert.equal(second.code, 1);
      assert.match(second.stderr, /tests\/api\/example\.yaml already exists; not overwriting it/);
      assert.equal(await readFile(file, 'utf8'), 'mine\n');
    } finally {
      await remove();
    }
  });

  test('the demo target answers like the example expects', async () => {
    const { dir, remove } = await tempDir();
    const demo = await startDemo(dir);
    try {
      assert.deepEqual(await (await fetch(`${demo.url}/health`)).json(), { status: 'ok' });
      const created = await fetch(`${demo.url}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ada', email: 'ada@example.test' }),
      });
      assert.equal(created.status, 201);
      const user = (await created.json()) as { id: number; name: string };
      assert.equal(created.headers.get('location'), `/users/${user.id}`);
      assert.equal((await fetch(`${demo.url}/users/${user.id}`)).status, 200);
      assert.equal((await fetch(`${demo.url}/users/999`)).status, 404);
      const invalid = await fetch(`${demo.url}/users`, { method: 'POST', body: '{}' });
      assert.equal(invalid.status, 400);
    } finally {
      await demo.stop();
      await remove();
    }
  });
});
