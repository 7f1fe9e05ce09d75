/**
 * Runs: trigger (with `Idempotency-Key`), read with step results, list with filters, cancel, and the
 * live event stream (Server-Sent Events, resumable with `Last-Event-ID`).
 */
import { z } from 'zod';
import { isFinal, RUN_STATES } from '../../core/run/lifecycle.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { Run, StepResultRecord } from '../../ports/run-store.ts';
import { streamRunEvents } from '../../services/run-event-stream.ts';
import { IDEMPOTENCY_KEY_MAX_LENGTH } from '../../services/run-idempotency.ts';
import { runServicesFor } from '../../worker/runtime.ts';
import { HttpError } from '../errors.ts';
import { withEtag } from '../etag.ts';
import { pageOf, pageQuery, pageRequest, toPageResponse } from '../pagination.ts';
import { defineRoute, defineRoutes, reply } from '../route.ts';
import { id, idParams, iso, timestamp } from '../schemas.ts';
import { lastEventIdOf, openSse, type SseStream } from '../sse.ts';

const status = z.enum(RUN_STATES);

/** Engine data (summaries, step results) keep the result model of the JSON reporter, as written. */
const engineObject = (description: string) => z.object({}).catchall(z.unknown()).describe(description);

const runSchema = z.object({
  id,
  project_id: id,
  suite_id: id,
  suite_version: z.number().int().describe('The exact suite version this run executes.'),
  environment_id: id.nullable(),
  schedule_id: id.nullable(),
  status,
  trigger: z.enum(['manual', 'api', 'schedule', 'ci']),
  triggered_by: z.object({ type: z.enum(['user', 'api_key', 'system']), id: id.nullable() }),
  priority: z.number().int().describe('Lower runs sooner: manual and API runs go ahead of scheduled ones.'),
  attempt: z.number().int().describe('Times the run was started; above 1 after a restart resumed it.'),
  variables: z.record(z.string(), z.unknown()),
  cancel_requested_at: timestamp.nullable(),
  queued_at: timestamp,
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  duration_ms: z.number().int().nullable(),
  summary: engineObject(
    'The run summary (result model of docs/reporters.md); null until the run ends.',
  ).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: timestamp,
});

const stepSchema = z.object({
  seq: z.number().int().describe('Order of the result in the attempt, from 0.'),
  attempt: z.number().int(),
  result: engineObject(
    'The step result: request, response with a bounded body excerpt, timings, assertions.',
  ),
});

const runDetailSchema = runSchema.extend({ steps: z.array(stepSchema) });

function runView(run: Run): z.input<typeof runSchema> {
  return {
    id: run.id,
    project_id: run.projectId,
    suite_id: run.suiteId,
    suite_version: run.suiteVersion,
    environment_id: run.environmentId,
    schedule_id: run.scheduleId,
    status: run.status,
    trigger: run.trigger,
    triggered_by: run.triggeredByApiKeyId
      ? { type: 'api_key', id: run.triggeredByApiKeyId }
      : run.triggeredByUserId
        ? { type: 'user', id: run.triggeredByUserId }
        : { type: 'system', id: null },
    priority: run.priority,
    attempt: run.attempt,
    variables: run.variables,
    cancel_requested_at: iso(run.cancelRequestedAt),
    queued_at: iso(run.queuedAt),
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
    duration_ms: run.durationMs,
    summary: run.summary as unknown as Record<string, unknown> | null,
    error: run.error,
    created_at: iso(run.createdAt),
  };
}

function stepView(step: StepResultRecord): z.input<typeof stepSchema> {
  return { seq: step.seq, attempt: step.attempt, result: step.result as unknown as Record<string, unknown> };
}

const statusList = z
  .string()
  .transform((text) => text.split(',').map((s) => s.trim()))
  .pipe(z.array(status).min(1))
  .describe('One state or several separated by commas: `queued,running`.');

export const runRoutes = defineRoutes(
  'Runs',
  [
    defineRoute({
      method: 'post',
      path: '/suites/:suiteId/runs',
      summary: 'Trigger a run of a suite',
      description:
        "Creates a `queued` run of the suite's current version and enqueues it. With an `Idempotency-Key` header (kept 24 h), repeating the request returns the same run with 200 (and `Idempotent-Replayed: true`) instead of 201; the same key with a different body is refused with 422 `idempotency_key_reused`. Variables given here override the environment's, which override the suite's.",
      auth: 'any',
      role: 'member',
      scope: 'runs:write',
      status: 201,
      params: idParams('suiteId'),
      body: z.strictObject({
        environment_id: id.nullable().optional().describe("Environment of the suite's project to run with."),
        variables: z.record(z.string(), z.unknown()).optional().describe('Variable overrides for this run.'),
      }),
      response: runSchema,
      handler: async ({ params, body, principal, audit, container, req }) => {
        const key = req.get('idempotency-key');
        if (key !== undefined && (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH)) {
          throw new HttpError(
            400,
            'invalid_idempotency_key',
            `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`,
          );
        }
        const { run, created } = await runServicesFor(container).service.trigger(audit, {
          suiteId: params.suiteId,
          environmentId: body.environment_id ?? null,
          variables: body.variables ?? {},
          trigger: principal.kind === 'api_key' ? 'api' : 'manual',
          idempotencyKey: key ?? null,
        });
        const headers: Record<string, string> = { Location: `/api/v1/runs/${run.id}` };
        if (!created) headers['Idempotent-Replayed'] = 'true';
        return reply(created ? 201 : 200, runView(run), headers);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/runs',
      summary: 'List runs',
      description:
        'Newest first. Filters combine: suite, project, states, and a creation time range [from, to).',
      auth: 'any',
      role: 'viewer',
      scope: 'runs:read',
      query: pageQuery({
        suite_id: id.optional(),
        project_id: id.optional(),
        status: statusList.optional(),
        from: timestamp.optional().describe('Created at or after.'),
        to: timestamp.optional().describe('Created before.'),
      }),
      response: pageOf(runSchema),
      handler: async ({ query, audit, container }) =>
        toPageResponse(
          await runServicesFor(container).service.list(
            audit,
            {
              ...(query.suite_id ? { suiteId: query.suite_id } : {}),
              ...(query.project_id ? { projectId: query.project_id } : {}),
              ...(query.status ? { status: query.status } : {}),
              ...(query.from ? { from: new Date(query.from) } : {}),
              ...(query.to ? { to: new Date(query.to) } : {}),
            },
            pageRequest(query),
          ),
          runView,
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/runs/:runId',
      summary: 'Read a run with its step results',
      description:
        'Step results are those of the current attempt, in order; request and response bodies are excerpts bounded by ASSAY_RUN_BODY_EXCERPT. A finished run carries an `ETag`; `If-None-Match` with it answers 304 without a body.',
      auth: 'any',
      role: 'viewer',
      scope: 'runs:read',
      params: idParams('runId'),
      response: runDetailSchema,
      handler: async ({ params, audit, container, req }) => {
        const { run, steps } = await runServicesFor(container).service.get(audit, params.runId);
        const body = { ...runView(run), steps: steps.map(stepView) };
        // A finished run no longer changes: clients revalidate with If-None-Match and get a 304.
        return isFinal(run.status) ? withEtag(req, body) : body;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/runs/:runId/cancel',
      summary: 'Cancel a run',
      description:
        'A queued run ends `cancelled` at once. A running run is signalled wherever it executes and ends `cancelled` shortly after (`cancel_requested_at` is set meanwhile). Cancelling a cancelled run changes nothing; a run that ended otherwise is a 409 `run_finished`.',
      auth: 'any',
      role: 'member',
      scope: 'runs:write',
      params: idParams('runId'),
      response: runSchema,
      handler: async ({ params, audit, container }) =>
        runView(await runServicesFor(container).service.cancel(audit, params.runId)),
    }),
    defineRoute({
      method: 'get',
      path: '/runs/:runId/events',
      summary: 'Stream the events of a run',
      description:
        'Server-Sent Events: `run.queued`, `run.started`, `step.finished`, `run.requeued`, `run.finished`, each with `id:` = its sequence number in the run. Reconnect with `Last-Event-ID` (header, or `?lastEventId=`) to get exactly the events after it. A finished run replays its events and the stream closes after `run.finished`. Comment lines are sent every 15 s as heartbeats.',
      auth: 'any',
      role: 'viewer',
      scope: 'runs:read',
      produces: 'text/event-stream',
      params: idParams('runId'),
      query: z.strictObject({
        lastEventId: z.coerce.number().int().min(0).optional().describe('Resume after this event id.'),
      }),
      handler: async ({ params, query, audit, container, closing, req, res }) => {
        const { stores, events } = container;
        const run = await stores.runs.get(audit.organisationId, params.runId);
        if (!run) throw new NotFoundError('run');
        const reader = new AbortController();
        let stream: SseStream | undefined;
        try {
          await streamRunEvents(
            { runEvents: stores.runEvents, runs: stores.runs, events },
            {
              organisationId: audit.organisationId,
              runId: run.id,
              afterSeq: lastEventIdOf(req, query.lastEventId),
              signal: reader.signal,
              // The 200 goes out only once the live channel is subscribed: with the event bus down
              // (Redis), the request is a 503 with Retry-After rather than an empty stream.
              onSubscribed: () => {
                const opened = openSse(req, res, { closing });
                opened.signal.addEventListener('abort', () => reader.abort(), { once: true });
                stream = opened;
              },
              send: (event) =>
                stream?.send({
                  id: event.seq,
                  event: event.type,
                  data: { ...event.data, seq: event.seq, type: event.type, created_at: event.createdAt },
                }),
            },
          );
        } finally {
          stream?.end();
        }
        return undefined;
      },
    }),
  ],
  'A run executes one version of a suite: `queued → running → passed | failed | errored | cancelled`.',
);
