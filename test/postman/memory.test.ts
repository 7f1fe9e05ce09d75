/**
 * Memory stays flat however long a collection runs (Newman keeps every execution: newman #941). A few
 * thousand iterations go through the runner and both Newman-layout reporters; the host heap measured
 * after a forced collection must not grow between the first and the last third of the run.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseCollection } from '../../src/core/postman/collection/load.ts';
import { runCollection } from '../../src/core/postman/run/run-collection.ts';
import { createNewmanJsonReporter } from '../../src/reporters/newman-json.ts';
import { createNewmanJunitReporter } from '../../src/reporters/newman-junit.ts';
import { type EchoServer, startEchoServer } from './support/echo-server.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let server: EchoServer;
before(async () => {
  server = await startEchoServer();
});
after(() => server.close());

const ITERATIONS = 3000;

test(`${ITERATIONS} iterations hold a flat heap, reports streaming`, async () => {
  const loaded = parseCollection(
    JSON.stringify({
      info: {
        name: 'Long run',
        schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
      },
      item: [
        {
          name: 'user',
          request: { method: 'GET', url: '{{baseUrl}}/users/{{$randomInt}}' },
          event: [
            {
              listen: 'test',
              script: {
                exec: [
                  "pm.test('answers', () => pm.expect(pm.response.code).to.be.oneOf([200, 404]));",
                  "pm.test('fails every time', () => pm.expect(pm.response.code).to.equal(500));",
                ],
              },
            },
          ],
        },
      ],
    }),
    { file: 'long.json' },
  );
  assert.ok(loaded.ok);
  const discard = () =>
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    });
  const reporters = [
    createNewmanJsonReporter({ out: discard(), collection: loaded.collection }),
    createNewmanJunitReporter({ out: discard(), collection: loaded.collection }),
  ];
  const heap: number[] = [];
  const result = await runCollection({
    collection: loaded.collection,
    iterationCount: ITERATIONS,
    envVars: { baseUrl: server.url },
    onExecution: (execution) => {
      for (const reporter of reporters) reporter.onExecution(execution);
      if ((execution.cursor.iteration + 1) % (ITERATIONS / 3) === 0) {
        gc();
        heap.push(process.memoryUsage().heapUsed);
      }
    },
  });
  for (const reporter of reporters) await reporter.finish(result);
  assert.equal(result.stats.assertions.total, ITERATIONS * 2);
  assert.equal(result.stats.assertions.failed, ITERATIONS);
  const [first = 0, , last = 0] = heap;
  const growth = (last - first) / 1024 / 1024;
  assert.ok(growth < 4, `the heap grew by ${growth.toFixed(1)} MiB over ${(ITERATIONS * 2) / 3} iterations`);
});
