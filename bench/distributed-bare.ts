/**
 * The baseline of `npm run bench -- --distributed`: a bare BullMQ worker process doing, per job, what a
 * one-step run does at its core — one HTTP request to the target (status and JSON checked) and one
 * PostgreSQL insert — with nothing of Assay around it. Same Redis client library (node-redis) and same
 * HTTP client (undici) as Assay's worker.
 *
 * Arguments: <redis uri> <database url> <queue name> <key prefix> <concurrency>. Prints `ready` once
 * consuming; stops on SIGTERM.
 */
import { Worker } from 'bullmq';
import pg from 'pg';
import { createClient } from 'redis';
import { Agent, request } from 'undici';

const [uri, databaseUrl, queueName, prefix, concurrencyText] = process.argv.slice(2);
if (!uri || !databaseUrl || !queueName || !prefix || !concurrencyText) {
  throw new Error('usage: distributed-bare.ts <redis uri> <database url> <queue> <prefix> <concurrency>');
}
const concurrency = Number(concurrencyText);
const client = createClient({ url: uri });
client.on('error', () => undefined);
await client.connect();
const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
const agent = new Agent({ connections: concurrency });

const worker = new Worker(
  queueName,
  async (job) => {
    const { url } = job.data as { url: string };
    const response = await request(url, { dispatcher: agent });
    const body = (await response.body.json()) as { ok?: unknown };
    if (response.statusCode !== 200 || body.ok !== true)
      throw new Error(`unexpected answer ${response.statusCode}`);
    await pool.query('insert into bench_bare_results (job_id, status) values ($1, $2)', [
      String(job.id),
      response.statusCode,
    ]);
  },
  { connection: client, prefix, concurrency },
);
worker.on('error', () => undefined);
await worker.waitUntilReady();
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    await worker.close();
    await Promise.all([pool.end(), agent.close()]);
    client.destroy();
    process.exit(0);
  })();
});
