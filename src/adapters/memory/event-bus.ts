/**
 * The embedded event bus. Delivery is asynchronous and messages are copied through JSON, as with
 * Redis pub/sub, so code that works here does not depend on synchronous or shared-object delivery.
 */
import type { EventBus } from '../../ports/event-bus.ts';

export function createMemoryEventBus(options: { onListenerError?: (error: unknown) => void } = {}): EventBus {
  const channels = new Map<string, Set<(message: unknown) => void>>();
  let closed = false;

  return {
    async publish(channel, message) {
      const listeners = channels.get(channel);
      if (!listeners || listeners.size === 0 || closed) return;
      const json = JSON.stringify(message);
      for (const listener of [...listeners]) {
        setImmediate(() => {
          // Unsubscribed in the meantime: Redis would not deliver either.
          if (!channels.get(channel)?.has(listener)) return;
          try {
            listener(JSON.parse(json));
          } catch (error) {
            options.onListenerError?.(error);
          }
        });
      }
    },

    async subscribe(channel, listener) {
      if (closed) throw new Error('event bus is closed');
      let listeners = channels.get(channel);
      if (!listeners) {
        listeners = new Set();
        channels.set(channel, listeners);
      }
      // A wrapper, so subscribing the same function twice yields two independent subscriptions.
      const own = (message: unknown) => listener(message);
      listeners.add(own);
      return async () => {
        const current = channels.get(channel);
        current?.delete(own);
        if (current?.size === 0) channels.delete(channel);
      };
    },

    async close() {
      closed = true;
      channels.clear();
    },
  };
}
