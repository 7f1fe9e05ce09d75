/**
 * A worker process for redis-worker-kill.int.test.ts: consumes `runs` with the production queue
 * settings, reports each job it starts on stdout, and never finishes one (it is killed mid-job).
 * Arguments: the Redis URI and the key prefix.
 */
import { openRedisAdapters } from '../../src/adapters/redis/redis-adapters.ts';
import { silentLogger } from '../../src/platform/logger.ts';

const [uri, keyPrefix] = process.argv.slice(2);
if (!uri || !keyPrefix) throw new Error('usage: redis-worker-child.ts <uri> <key prefix>');
const redis = await openRedisAdapters({
  uri,
  keyPrefix,
  logger: silentLogger(),
  processName: 'doomed-worker',
});
redis.queue<{ n: number }>('runs').process(
  async (job) => {
    process.stdout.write(`started ${job.id}\n`);
    await new Promise(() => {});
  },
  { concurrency: 1, perOrganisationConcurrency: 1 },
);
process.stdout.write('ready\n');
