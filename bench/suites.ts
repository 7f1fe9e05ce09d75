/**
 * Writes the same N-request workload in each tool's own format: step i is `GET {baseUrl}/items/i`,
 * expects status 200 and `$.ok` equal to true. Every tool gets the base URL through its own variable
 * mechanism, so each one pays for templating the same way.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** An Assay suite (format version 1) with `n` steps. */
export function assaySuite(baseUrl: string, n: number): string {
  const lines = [
    'version: 1',
    `name: bench ${n} requests`,
    'variables:',
    `  baseUrl: ${JSON.stringify(baseUrl)}`,
    'steps:',
  ];
  for (let i = 1; i <= n; i++) lines.push(...assayStep(i));
  return `${lines.join('\n')}\n`;
}

/**
 * An Assay suite of `steps` steps run once per inline iteration row: `steps × rows` requests in all,
 * without a file of that many steps. The row variable is unused by the requests on purpose: the test
 * is about the engine's memory across many executions, not about templating.
 */
export function assayIterationsSuite(baseUrl: string, steps: number, rows: number): string {
  const lines = [
    'version: 1',
    `name: bench ${steps} steps x ${rows} iterations`,
    'variables:',
    `  baseUrl: ${JSON.stringify(baseUrl)}`,
    'iterations:',
  ];
  for (let r = 1; r <= rows; r++) lines.push(`  - { row: ${r} }`);
  lines.push('steps:');
  for (let i = 1; i <= steps; i++) lines.push(...assayStep(i));
  return `${lines.join('\n')}\n`;
}

function assayStep(i: number): string[] {
  return [
    `  - name: item ${i}`,
    `    request: { method: GET, url: "{{ baseUrl }}/items/${i}" }`,
    `    expect: { status: 200, json: { "$.ok": true } }`,
  ];
}

/** A Postman collection (v2.1) with `n` requests, each with the two checks as `pm.test` scripts. */
export function postmanCollection(baseUrl: string, n: number): string {
  const exec = [
    "pm.test('status is 200', function () { pm.response.to.have.status(200); });",
    "pm.test('$.ok is true', function () { pm.expect(pm.response.json().ok).to.eql(true); });",
  ];
  const item = [];
  for (let i = 1; i <= n; i++) {
    item.push({
      name: `item ${i}`,
      request: { method: 'GET', url: `{{baseUrl}}/items/${i}` },
      event: [{ listen: 'test', script: { type: 'text/javascript', exec } }],
    });
  }
  const collection = {
    info: {
      name: `bench ${n} requests`,
      // An identifier of the format version only; Newman never fetches it.
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    variable: [{ key: 'baseUrl', value: baseUrl }],
    item,
  };
  return JSON.stringify(collection);
}

/** A Step CI workflow with one test of `n` steps, run in order. */
export function stepCiWorkflow(baseUrl: string, n: number): string {
  const lines = [
    'version: "1.1"',
    `name: bench ${n} requests`,
    'env:',
    `  baseUrl: ${JSON.stringify(baseUrl)}`,
    'tests:',
    '  bench:',
    '    steps:',
  ];
  for (let i = 1; i <= n; i++) {
    lines.push(
      `      - name: item ${i}`,
      '        http:',
      '          method: GET',
      `          url: "\${{ env.baseUrl }}/items/${i}"`,
      '          check:',
      '            status: 200',
      '            jsonpath:',
      '              $.ok: true',
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface SuiteFiles {
  assay: string;
  /** Where `assay run` writes its JSON report; its `durationMs` is Assay's own clock. */
  assayReport: string;
  postman: string;
  stepci: string;
}

/** Writes the three generated files for `n` requests into `dir` and returns their paths. */
export async function writeSuites(dir: string, baseUrl: string, n: number): Promise<SuiteFiles> {
  const files: SuiteFiles = {
    assay: join(dir, `assay-${n}.yaml`),
    assayReport: join(dir, `assay-${n}-report.json`),
    postman: join(dir, `postman-${n}.json`),
    stepci: join(dir, `stepci-${n}.yaml`),
  };
  await Promise.all([
    writeFile(files.assay, assaySuite(baseUrl, n)),
    writeFile(files.postman, postmanCollection(baseUrl, n)),
    writeFile(files.stepci, stepCiWorkflow(baseUrl, n)),
  ]);
  return files;
}
