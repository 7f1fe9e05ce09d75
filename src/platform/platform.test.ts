import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { manualClock } from './clock.ts';
import {
  ConflictError,
  classifyError,
  NotFoundError,
  OperationalError,
  RateLimitedError,
  ValidationError,
} from './errors.ts';
import { idTimestamp, isId, newId } from './ids.ts';
import { createLogger, silentLogger, withRequestContext } from './logger.ts';
import { createShutdown } from './shutdown.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination: stream, pretty: false }) };
}

describe('logger', () => {
  it('writes JSON lines with a level label and an ISO time', () => {
    const { lines, logger } = capture();
    logger.info({ runId: 'r1' }, 'run queued');
    assert.equal(lines[0]?.level, 'info');
    assert.equal(lines[0]?.msg, 'run queued');
    assert.equal(lines[0]?.runId, 'r1');
    assert.match(String(lines[0]?.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('redacts credentials at any of the first levels', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'p',
        token: 't',
        req: { headers: { authorization: 'Bearer x', cookie: 'sid=1', accept: 'json' } },
        res: { headers: { 'set-cookie': ['sid=2'] } },
        user: { secret: 's', name: 'Ada' },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['Bearer x', 'sid=1', 'sid=2', '"p"', '"t"', '"s"'])
      assert.ok(!text.includes(secret), secret);
    assert.ok(text.includes('Ada'));
    assert.ok(text.includes('json'));
  });

  it('adds the request id of the current request to every line', async () => {
    const { lines, logger } = capture();
    await withRequestContext({ requestId: 'req-1' }, async () => {
      await Promise.resolve();
      logger.info('inside');
      logger.child({ component: 'x' }).warn('child inside');
    });
    logger.info('outside');
    assert.equal(lines[0]?.reqId, 'req-1');
    assert.equal(lines[1]?.reqId, 'req-1');
    assert.equal(lines[2]?.reqId, undefined);
  });
});

describe('errors', () => {
  it('classifies user, operational and unexpected errors', () => {
    assert.deepEqual(classifyError(new NotFoundError('suite')), {
      kind: 'user',
      status: 404,
      code: 'not_found',
      message: 'suite not found',
    });
    const validation = new ValidationError([{ path: 'body.name', message: 'is required', code: 'required' }]);
    assert.equal(classifyError(validation).status, 400);
    assert.equal(validation.message, 'body.name: is required');
    assert.equal(classifyError(new ConflictError('taken', 'email_taken')).code, 'email_taken');
    assert.equal(new RateLimitedError(3).retryAfterSeconds, 3);
    const down = new OperationalError({ dependency: 'redis', message: 'Redis is unreachable' });
    assert.deepEqual(classifyError(down), {
      kind: 'operational',
      status: 503,
      code: 'redis_unavailable',
      message: 'Redis is unreachable',
    });
    assert.deepEqual(classifyError(new TypeError('x is undefined')), {
      kind: 'unexpected',
      status: 500,
      code: 'internal',
      message: 'internal error',
    });
  });
});

describe('ids', () => {
  it('are UUIDv7, strictly increasing within a process, and carry their time', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids.slice(0, 10)) {
      assert.ok(isId(id));
      assert.equal(id[14], '7');
      assert.match(id[19] ?? '', /[89ab]/);
    }
    const at = Date.parse('2030-05-06T07:08:09.010Z');
    assert.equal(idTimestamp(newId(at)).toISOString(), '2030-05-06T07:08:09.010Z');
    assert.equal(isId('not-an-id'), false);
  });
});

describe('clock', () => {
  it('moves only when told to', () => {
    const clock = manualClock('2025-01-01T00:00:00Z');
    clock.advance(1500);
    assert.equal(clock.now().toISOString(), '2025-01-01T00:00:01.500Z');
  });
});

describe('shutdown', () => {
  it('runs hooks last-registered first, once, and aborts its signal', async () => {
    const order: string[] = [];
    const shutdown = createShutdown({ logger: silentLogger(), graceMs: 5000, exit: () => {} });
    shutdown.onShutdown('database', () => {
      order.push('database');
    });
    shutdown.onShutdown('http', async () => {
      await Promise.resolve();
      order.push('http');
    });
    shutdown.onShutdown('broken', () => {
      throw new Error('boom');
    });
    const [first, second] = await Promise.all([shutdown.shutdown('test'), shutdown.shutdown('again')]);
    assert.equal(first, true);
    assert.equal(second, true);
    assert.deepEqual(order, ['http', 'database']);
    assert.ok(shutdown.signal.aborted);
  });

  it('gives up at the deadline and tells the hook still running', async () => {
    const shutdown = createShutdown({ logger: silentLogger(), graceMs: 20, exit: () => {} });
    let aborted = false;
    let laterRan = false;
    shutdown.onShutdown('later', () => {
      laterRan = true;
    });
    shutdown.onShutdown('stuck', (signal) => {
      return new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        });
      });
    });
    assert.equal(await shutdown.shutdown('test'), false);
    assert.ok(aborted);
    assert.equal(laterRan, false);
  });
});
