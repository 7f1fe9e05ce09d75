/** Behaviour every EventBus adapter shares (in-process now; Redis pub/sub later). */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import type { EventBus } from '../../src/ports/event-bus.ts';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

export function defineEventBusContractTests(name: string, factory: () => Promise<EventBus>): void {
  describe(`EventBus contract: ${name}`, () => {
    const open: EventBus[] = [];
    async function bus() {
      const b = await factory();
      open.push(b);
      return b;
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });
    const channel = () => `test:${randomBytes(4).toString('hex')}`;

    it('delivers messages in order to every subscriber of the channel only, as copies', async () => {
      const b = await bus();
      const ch = channel();
      const first: unknown[] = [];
      const second: unknown[] = [];
      const elsewhere: unknown[] = [];
      await b.subscribe(ch, (m) => first.push(m));
      await b.subscribe(ch, (m) => second.push(m));
      await b.subscribe(channel(), (m) => elsewhere.push(m));
      const message = { type: 'step.finished', seq: 1 };
      await b.publish(ch, message);
      await b.publish(ch, { type: 'run.finished', seq: 2 });
      await until(() => first.length === 2 && second.length === 2, 'both deliveries');
      assert.deepEqual(first, [message, { type: 'run.finished', seq: 2 }]);
      assert.notEqual(first[0], message);
      await settle();
      assert.deepEqual(elsewhere, []);
    });

    it('stops delivering after unsubscribe', async () => {
      const b = await bus();
      const ch = channel();
      const got: unknown[] = [];
      const unsubscribe = await b.subscribe(ch, (m) => got.push(m));
      await b.publish(ch, 1);
      await until(() => got.length === 1, 'the first message');
      await unsubscribe();
      await b.publish(ch, 2);
      await settle();
      assert.deepEqual(got, [1]);
    });

    it('a failing listener does not stop the others', async () => {
      const b = await bus();
      const ch = channel();
      const got: unknown[] = [];
      await b.subscribe(ch, () => {
        throw new Error('listener bug');
      });
      await b.subscribe(ch, (m) => got.push(m));
      await b.publish(ch, 'x');
      await until(() => got.length === 1, 'delivery to the healthy listener');
    });
  });
}
