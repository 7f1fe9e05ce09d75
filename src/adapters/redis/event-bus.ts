/**
 * The event bus on Redis pub/sub, so that an SSE client on any API process sees the events of a run
 * executing on any worker. Publishing goes through the `commands` client; subscriptions live on a
 * dedicated `subscriber` connection, which node-redis re-subscribes by itself after a reconnection.
 * Pub/sub is at most once: messages published while a subscriber is disconnected are lost to it,
 * which the port allows (SSE replays from the database event log by Last-Event-ID).
 *
 * One Redis subscription per channel and bus, fanned out here to the bus's listeners, each of
 * which gets its own parsed copy and whose exceptions stay contained.
 */
import type { EventBus, Unsubscribe } from '../../ports/event-bus.ts';
import type { RedisClient } from './connection.ts';
import { redisFailure, withDeadline } from './errors.ts';

export interface RedisEventBusOptions {
  /** A `commands` client for PUBLISH. Owned by the caller. */
  publisher: RedisClient;
  /** A `subscriber` client, used for nothing else than subscriptions. Owned by the caller. */
  subscriber: RedisClient;
  /** Namespace of the channels, e.g. `assay:events:`. */
  channelPrefix: string;
  onListenerError?: (error: unknown) => void;
  /** Deadline of a publish or a subscribe; default 1000 ms. */
  timeoutMs?: number;
}

interface Channel {
  listeners: Set<(message: unknown) => void>;
  /** Settles when SUBSCRIBE has been answered. */
  ready: Promise<void>;
  dispatch: (json: string) => void;
}

export function createRedisEventBus(options: RedisEventBusOptions): EventBus {
  const { publisher, subscriber, channelPrefix } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const channels = new Map<string, Channel>();
  let closed = false;

  function open(channel: string): Channel {
    const existing = channels.get(channel);
    if (existing) return existing;
    const entry: Channel = {
      listeners: new Set(),
      ready: Promise.resolve(),
      dispatch: (json) => {
        for (const listener of [...entry.listeners]) {
          try {
            listener(JSON.parse(json));
          } catch (error) {
            options.onListenerError?.(error);
          }
        }
      },
    };
    channels.set(channel, entry);
    entry.ready = withDeadline('SUBSCRIBE', timeoutMs, () =>
      subscriber.subscribe(`${channelPrefix}${channel}`, entry.dispatch),
    ).catch((error: unknown) => {
      if (channels.get(channel) === entry) channels.delete(channel);
      dropSubscription(channel, entry);
      throw error;
    });
    return entry;
  }

  function dropSubscription(channel: string, entry: Channel): Promise<void> {
    if (!subscriber.isReady) return Promise.resolve();
    return withDeadline('UNSUBSCRIBE', timeoutMs, () =>
      subscriber.unsubscribe(`${channelPrefix}${channel}`, entry.dispatch),
    ).catch(() => undefined);
  }

  async function release(channel: string, entry: Channel, own: (message: unknown) => void): Promise<void> {
    entry.listeners.delete(own);
    if (entry.listeners.size > 0 || channels.get(channel) !== entry) return;
    channels.delete(channel);
    await entry.ready.catch(() => undefined);
    await dropSubscription(channel, entry);
  }

  return {
    async publish(channel, message) {
      if (closed) return;
      const json = JSON.stringify(message);
      await withDeadline('PUBLISH', timeoutMs, () => publisher.publish(`${channelPrefix}${channel}`, json));
    },

    async subscribe(channel, listener): Promise<Unsubscribe> {
      if (closed) throw new Error('event bus is closed');
      const entry = open(channel);
      // A wrapper, so subscribing the same function twice yields two independent subscriptions.
      const own = (message: unknown) => listener(message);
      entry.listeners.add(own);
      try {
        await entry.ready;
      } catch (error) {
        entry.listeners.delete(own);
        throw redisFailure('SUBSCRIBE', error);
      }
      let done = false;
      return async () => {
        if (done) return;
        done = true;
        await release(channel, entry, own);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      const all = [...channels.entries()];
      channels.clear();
      await Promise.all(
        all.map(async ([channel, entry]) => {
          entry.listeners.clear();
          await entry.ready.catch(() => undefined);
          await dropSubscription(channel, entry);
        }),
      );
    },
  };
}
