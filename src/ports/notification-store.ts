/**
 * Notification channels (signed webhooks of a project) and the log of their deliveries. The store
 * keeps the signing secret as ciphertext only; encryption happens in a service. A delivery is unique
 * per (channel, dedupe key), which is how "at most one delivery per run, channel and event" holds
 * whatever the number of processes that notice a run's end.
 */
import type { EncryptedValue } from './environment-store.ts';
import type { Page, PageRequest } from './pagination.ts';

export const NOTIFICATION_EVENTS = ['run.failed', 'run.recovered', 'run.finished'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface NotificationChannel {
  id: string;
  organisationId: string;
  projectId: string;
  name: string;
  kind: 'webhook';
  url: string;
  events: NotificationEvent[];
  enabled: boolean;
  secret: EncryptedValue;
  createdAt: Date;
  updatedAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  organisationId: string;
  channelId: string;
  /** Null once the run is deleted; the delivery log outlives it. */
  runId: string | null;
  event: NotificationEvent;
  /** `run:<runId>:<event>`: the unique key of a delivery within its channel. */
  dedupeKey: string;
  /** The JSON body sent, as built when the delivery was created (resent unchanged on retries). */
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  /** HTTP attempts made so far, redeliveries included. */
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  /** When the queue will try again; null when no try is planned. */
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewChannel {
  organisationId: string;
  projectId: string;
  name: string;
  url: string;
  events: NotificationEvent[];
  enabled?: boolean;
  /** The channel id is chosen by the caller: the secret's ciphertext is bound to it. */
  id: string;
  secret: EncryptedValue;
}

export interface ChannelPatch {
  name?: string;
  url?: string;
  events?: NotificationEvent[];
  enabled?: boolean;
  secret?: EncryptedValue;
}

/** The outcome of one HTTP attempt. */
export interface DeliveryAttempt {
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  at: Date;
  nextAttemptAt: Date | null;
}

export interface NotificationStore {
  /** Throws NotFoundError('project') when the project is not in the organisation. */
  createChannel(input: NewChannel): Promise<NotificationChannel>;
  getChannel(organisationId: string, channelId: string): Promise<NotificationChannel | null>;
  /** Newest first. */
  listChannels(
    organisationId: string,
    filter: { projectId?: string },
    page?: PageRequest,
  ): Promise<Page<NotificationChannel>>;
  /** The enabled channels of a project subscribed to any event, oldest first (the notifier's read). */
  listEnabledForProject(organisationId: string, projectId: string): Promise<NotificationChannel[]>;
  updateChannel(
    organisationId: string,
    channelId: string,
    patch: ChannelPatch,
  ): Promise<NotificationChannel | null>;
  /** Deletes the channel and its delivery log. */
  deleteChannel(organisationId: string, channelId: string): Promise<boolean>;

  /**
   * Inserts a pending delivery unless the channel already has one with this dedupe key; either way
   * returns the delivery that exists, and whether this call created it.
   */
  createDelivery(input: {
    organisationId: string;
    channelId: string;
    runId: string | null;
    event: NotificationEvent;
    dedupeKey: string;
    payload: Record<string, unknown>;
  }): Promise<{ delivery: WebhookDelivery; created: boolean }>;
  getDelivery(organisationId: string, deliveryId: string): Promise<WebhookDelivery | null>;
  /** Newest first. */
  listDeliveries(
    organisationId: string,
    channelId: string,
    page?: PageRequest,
  ): Promise<Page<WebhookDelivery>>;
  /** Counts the attempt and records its outcome; null when the delivery is gone. */
  recordAttempt(
    organisationId: string,
    deliveryId: string,
    attempt: DeliveryAttempt,
  ): Promise<WebhookDelivery | null>;
  /** Makes a delivery pending again (manual redelivery); attempts keep counting. */
  markPending(organisationId: string, deliveryId: string, at: Date): Promise<WebhookDelivery | null>;
}
