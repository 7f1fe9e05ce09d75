/** Helpers for the run end-to-end tests: suites saved in a test server's organisation, an SSE reader. */
import { randomBytes } from 'node:crypto';
import { readSse } from '../../src/cli/remote/sse-client.ts';
import type { TestClient, TestServer } from './server.ts';

export interface SavedSuite {
  projectId: string;
  suiteId: string;
}

export async function saveSuite(
  server: TestServer,
  source: string,
  organisationId?: string,
): Promise<SavedSuite> {
  const org = organisationId ?? server.organisation.id;
  const suffix = randomBytes(4).toString('hex');
  const project = await server.container.stores.projects.create({
    organisationId: org,
    name: `Runs ${suffix}`,
    slug: `runs-${suffix}`,
  });
  const { suite } = await server.container.stores.suites.create({
    organisationId: org,
    projectId: project.id,
    name: `suite-${suffix}`,
    version: { source, format: 'yaml', parsed: {} },
  });
  return { projectId: project.id, suiteId: suite.id };
}

export interface ReceivedEvent {
  id: number;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read event payloads field by field.
  data: any;
}

export interface EventStream {
  status: number;
  contentType: string | null;
  /** Resolves with every event received until the server closes the stream (or `stopAfter` matches). */
  events: Promise<ReceivedEvent[]>;
  /** Closes the connection from the client side. */
  close(): void;
}

/** Opens `GET /api/v1/runs/:id/events` as `client`; `stopAfter` closes the stream once an event matches. */
export async function openRunEvents(
  server: TestServer,
  client: TestClient,
  runId: string,
  options: {
    lastEventId?: number;
    viaQuery?: boolean;
    stopAfter?: (event: ReceivedEvent) => boolean;
    onEvent?: (event: ReceivedEvent) => void;
  } = {},
): Promise<EventStream> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (client.key) headers.authorization = `Bearer ${client.key}`;
  if (client.cookie) headers.cookie = client.cookie;
  let path = `/api/v1/runs/${runId}/events`;
  if (options.lastEventId !== undefined) {
    if (options.viaQuery) path += `?lastEventId=${options.lastEventId}`;
    else headers['last-event-id'] = String(options.lastEventId);
  }
  const controller = new AbortController();
  const response = await fetch(`${server.url}${path}`, { headers, signal: controller.signal });
  const events = (async () => {
    const received: ReceivedEvent[] = [];
    if (!response.ok || !response.body) return received;
    try {
      for await (const message of readSse(response.body)) {
        const event = { id: Number(message.id), event: message.event, data: JSON.parse(message.data) };
        received.push(event);
        options.onEvent?.(event);
        if (options.stopAfter?.(event)) {
          controller.abort();
          break;
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
    return received;
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    close: () => controller.abort(),
  };
}

/** Polls `GET /runs/:id` until the run has ended; returns its body. */
// biome-ignore lint/suspicious/noExplicitAny: the run body as JSON.
export async function waitForEnd(client: TestClient, runId: string, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await client.get(`/api/v1/runs/${runId}`);
    if (response.status !== 200) throw new Error(`GET run: ${response.status} ${response.text}`);
    if (!['queued', 'running'].includes(response.body.status)) return response.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${response.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
