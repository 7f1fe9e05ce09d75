import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalTimeZone, checkSchedule, computeNextFire } from './schedules-cron.ts';

const now = new Date('2025-01-01T00:00:00.000Z');

describe('computeNextFire', () => {
  it('reads the expression in the time zone', () => {
    assert.equal(
      computeNextFire('0 9 * * 1-5', 'Europe/Paris', now)?.toISOString(),
      '2025-01-01T08:00:00.000Z',
    );
    assert.equal(
      computeNextFire('0 9 * * *', 'America/New_York', now)?.toISOString(),
      '2025-01-01T14:00:00.000Z',
    );
    assert.equal(computeNextFire('0 9 * * *', 'UTC', now)?.toISOString(), '2025-01-01T09:00:00.000Z');
  });

  it('is strictly after the given time, so a fire at that instant moves on', () => {
    const at = new Date('2025-01-01T00:05:00.000Z');
    assert.equal(computeNextFire('*/5 * * * *', 'UTC', at)?.toISOString(), '2025-01-01T00:10:00.000Z');
  });

  it('follows daylight-saving changes: a skipped local time fires after the gap, once', () => {
    // 2025-03-30 02:30 does not exist in Paris (clocks jump from 02:00 to 03:00).
    const before = new Date('2025-03-29T12:00:00.000Z');
    const first = computeNextFire('30 2 * * *', 'Europe/Paris', before);
    assert.equal(first?.toISOString(), '2025-03-30T01:00:00.000Z');
    assert.equal(
      computeNextFire('30 2 * * *', 'Europe/Paris', first!)?.toISOString(),
      '2025-03-31T00:30:00.000Z',
    );
  });

  it('accepts nicknames', () => {
    assert.equal(computeNextFire('@daily', 'UTC', now)?.toISOString(), '2025-01-02T00:00:00.000Z');
    assert.equal(computeNextFire('@hourly', 'UTC', now)?.toISOString(), '2025-01-01T01:00:00.000Z');
  });

  it('is null for an expression that never fires', () => {
    assert.equal(computeNextFire('0 0 30 2 *', 'UTC', now), null);
  });
});

describe('checkSchedule', () => {
  it('accepts a usable definition', () => {
    assert.deepEqual(checkSchedule({ cron: '15 3 * * MON', timezone: 'Asia/Tokyo' }, now), []);
  });

  it('names the field and says what is wrong', () => {
    const cases: [string, string, { path: string; message: string; code: string }[]][] = [
      [
        '61 * * * *',
        'UTC',
        [
          {
            path: 'body.cron',
            code: 'invalid_cron',
            message: 'is not a valid cron expression: Invalid value for minute: 61',
          },
        ],
      ],
      [
        '* * * * * *',
        'UTC',
        [
          {
            path: 'body.cron',
            code: 'invalid_cron',
            message:
              'has 6 fields; write 5 (minute hour day-of-month month day-of-week) or a nickname like @daily',
          },
        ],
      ],
      [
        '0 0 30 2 *',
        'UTC',
        [{ path: 'body.cron', code: 'invalid_cron', message: 'never fires (no such date)' }],
      ],
      [
        '@every',
        'UTC',
        [
          {
            path: 'body.cron',
            code: 'invalid_cron',
            message:
              '"@every" is not a cron nickname; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
          },
        ],
      ],
      [
        '0 9 * * *',
        'Mars/Olympus_Mons',
        [
          {
            path: 'body.timezone',
            code: 'invalid_timezone',
            message: '"Mars/Olympus_Mons" is not an IANA time zone (like UTC or Europe/Paris)',
          },
        ],
      ],
    ];
    for (const [cron, timezone, expected] of cases) {
      assert.deepEqual(checkSchedule({ cron, timezone }, now), expected, `${cron} ${timezone}`);
    }
  });

  it('reports a bad expression and a bad zone together', () => {
    const problems = checkSchedule({ cron: 'every day', timezone: '' }, now);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['body.timezone', 'body.cron'],
    );
  });
});

describe('canonicalTimeZone', () => {
  it('spells zones as the runtime does and refuses unknown ones', () => {
    assert.equal(canonicalTimeZone('utc'), 'UTC');
    assert.equal(canonicalTimeZone('europe/paris'), 'Europe/Paris');
    assert.equal(canonicalTimeZone('Nowhere/Land'), null);
    assert.equal(canonicalTimeZone(' UTC'), null);
  });
});
