/**
 * The floor for any Node runner: a plain loop of `undici.request` calls over one keep-alive connection,
 * doing exactly the work of one benchmark step (GET, check status 200, parse JSON, check `.ok`) and
 * nothing else — no templating, no result model, no reporting.
 *
 * Usage: node bench/bare-undici.ts <baseUrl> <n>
 * Prints one JSON line `{"requests": n, "innerMs": t}` and exits 0, or names the first failure and
 * exits 1.
 */
import { createRequire } from 'node:module';

// Resolve undici from the product's own node_modules (the version Assay ships with), not the older copy
// that the comparison tools pull into bench/node_modules.
const rootRequire = createRequire(new URL('../package.json', import.meta.url));
const { Agent, request } = rootRequire('undici') as typeof import('undici');

const [baseUrl, nArg] = process.argv.slice(2);
const n = Number(nArg);
if (!baseUrl || !Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: node bench/bare-undici.ts <baseUrl> <n>\n');
  process.exit(2);
}

const dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: 1 });
const started = performance.now();
for (let i = 1; i <= n; i++) {
  const res = await request(`${baseUrl}/items/${i}`, { method: 'GET', dispatcher });
  const body = (await res.body.json()) as { ok?: unknown };
  if (res.statusCode !== 200 || body.ok !== true) {
    process.stderr.write(
      `step ${i}: expected status 200 and $.ok = true, got ${res.statusCode} ${JSON.stringify(body)}\n`,
    );
    process.exit(1);
  }
}
const innerMs = performance.now() - started;
await dispatcher.close();
process.stdout.write(`${JSON.stringify({ requests: n, innerMs })}\n`);
