/**
 * Micro-benchmark of the Postman script sandbox (not a test): µs per execution of a typical test script
 * (two pm.test with pm.expect on a JSON body), and the cost of booting a sandbox.
 * Run: node scripts/bench-postman-sandbox.ts [executions]
 */
import { createScriptSandbox } from '../src/core/postman/sandbox/index.ts';
import { testInput } from '../src/core/postman/sandbox/test-support.ts';
import type { ScriptInput } from '../src/core/postman/sandbox/types.ts';

const executions = Number(process.argv[2] ?? 20_000);

const scenarios: Record<string, ScriptInput> = {
  'two pm.test on a JSON body': testInput(`
    pm.test('Status code is 200', function () { pm.response.to.have.status(200); });
    pm.test('Body has the user', function () {
      const body = pm.response.json();
      pm.expect(body.name).to.eql('Ada');
    });`),
  'collection + item scripts, variables': testInput([
    `pm.collectionVariables.set('lastStatus', pm.response.code);`,
    `const body = pm.response.json();
     pm.test('id is a number', () => pm.expect(body.id).to.be.a('number'));
     pm.environment.set('userId', body.id);
     tests['legacy check'] = responseCode.code === 200;`,
  ]),
  'empty script (overhead floor)': testInput(';'),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

let started = performance.now();
const first = await createScriptSandbox();
const firstBoot = performance.now() - started;
started = performance.now();
const second = await createScriptSandbox();
const secondBoot = performance.now() - started;
second.dispose();
console.log(
  `sandbox boot: first ${firstBoot.toFixed(1)} ms, next ${secondBoot.toFixed(1)} ms (V8 code cache)`,
);

for (const [name, input] of Object.entries(scenarios)) {
  for (let i = 0; i < 2000; i++) await first.execute(input);
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const n = Math.ceil(executions / 5);
    const t = performance.now();
    for (let i = 0; i < n; i++) await first.execute(input);
    rounds.push(((performance.now() - t) * 1000) / n);
  }
  const out = await first.execute(input);
  const failed = out.tests.filter((t) => !t.passed).length + out.scriptErrors.length;
  console.log(
    `${name}: ${median(rounds).toFixed(1)} µs/execution (median of 5 rounds)${failed ? ' FAILED' : ''}`,
  );
}
first.dispose();
