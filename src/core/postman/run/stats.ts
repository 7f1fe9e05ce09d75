/**
 * Newman's run statistics, counted from each execution as it passes (nothing is kept): the
 * `{ total, pending, failed }` counters of `run.stats`, and mean/min/max/standard deviation of response,
 * DNS and first-byte times (Welford's online algorithm; zero values are skipped as Newman does).
 */
import type { CollectionStats, CollectionTimings, Counter, ItemExecution } from './types.ts';

export interface StatsTracker {
  iteration(): void;
  execution(execution: ItemExecution): void;
  finish(): { stats: CollectionStats; timings: CollectionTimings; transfers: { responseTotal: number } };
}

interface Series {
  count: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

const counter = (): Counter => ({ total: 0, pending: 0, failed: 0 });
const series = (): Series => ({ count: 0, mean: 0, m2: 0, min: 0, max: 0 });

function add(s: Series, value: number): void {
  if (!value) return;
  s.count++;
  const delta = value - s.mean;
  s.mean += delta / s.count;
  s.m2 += delta * (value - s.mean);
  s.min = s.count === 1 ? value : Math.min(s.min, value);
  s.max = Math.max(s.max, value);
}

const sd = (s: Series): number => (s.count === 0 ? 0 : Math.sqrt(s.m2 / s.count));

/** Scripts that reported at least one error. */
function failedScripts(errors: readonly { scriptIndex: number }[]): number {
  return new Set(errors.map((e) => e.scriptIndex)).size;
}

export function createStatsTracker(): StatsTracker {
  const started = Date.now();
  const stats: CollectionStats = {
    iterations: counter(),
    items: counter(),
    scripts: counter(),
    prerequests: counter(),
    requests: counter(),
    tests: counter(),
    assertions: counter(),
    testScripts: counter(),
    prerequestScripts: counter(),
  };
  const response = series();
  const dns = series();
  const firstByte = series();
  let responseTotal = 0;

  return {
    iteration() {
      stats.iterations.total++;
    },
    execution(e) {
      stats.items.total++;
      stats.prerequests.total++;
      const preFailed = failedScripts(e.prerequest.errors);
      stats.prerequestScripts.total += e.prerequest.scripts;
      stats.prerequestScripts.failed += preFailed;
      stats.scripts.total += e.prerequest.scripts;
      stats.scripts.failed += preFailed;
      if (e.response !== undefined || e.requestError !== undefined) {
        stats.requests.total++;
        if (e.requestError !== undefined) stats.requests.failed++;
      }
      if (e.test !== undefined) {
        const testFailed = failedScripts(e.test.errors);
        stats.tests.total++;
        stats.testScripts.total += e.test.scripts;
        stats.testScripts.failed += testFailed;
        stats.scripts.total += e.test.scripts;
        stats.scripts.failed += testFailed;
      }
      stats.assertions.total += e.tests.length;
      for (const test of e.tests) if (!test.passed && !test.skipped) stats.assertions.failed++;
      if (e.response !== undefined) {
        add(response, e.response.responseTime);
        add(dns, e.response.timings.dns);
        add(firstByte, e.response.timings.firstByte);
        responseTotal += e.response.responseSize;
      }
    },
    finish() {
      const timings: CollectionTimings = {
        responseAverage: response.mean,
        responseMin: response.min,
        responseMax: response.max,
        responseSd: sd(response),
        dnsAverage: dns.mean,
        dnsMin: dns.min,
        dnsMax: dns.max,
        dnsSd: sd(dns),
        firstByteAverage: firstByte.mean,
        firstByteMin: firstByte.min,
        firstByteMax: firstByte.max,
        firstByteSd: sd(firstByte),
        started,
        completed: Date.now(),
      };
      return { stats, timings, transfers: { responseTotal } };
    },
  };
}
