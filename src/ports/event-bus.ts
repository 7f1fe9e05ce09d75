/**
 * Publish/subscribe across the processes of an installation (in-process, or Redis pub/sub). Delivery
 * is at most once and asynchronous: a subscriber that needs every message (SSE) reads the persisted
 * log first and uses the bus only for what happens next. Messages are JSON.
 */
export type Unsubscribe = () => Promise<void>;

export interface EventBus {
  publish(channel: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is active: messages published after that are delivered. */
  subscribe(channel: string, listener: (message: unknown) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}
