/**
 * Caps that keep one tenant from exhausting the server, applied to the routes they concern by their
 * declared `METHOD path` (a test checks that each still exists in the route registry):
 *
 * - **Runs in flight per organisation** (ASSAY_RUNS_IN_FLIGHT): triggering a run while the
 *   organisation already has that many queued or running is refused, 429 `runs_in_flight` with
 *   Retry-After. Counted from the run store (the truth in both modes); two triggers racing at the
 *   cap can both pass, so the cap may be exceeded by the number of simultaneous requests, never more.
 * - **Event streams per person or key** (ASSAY_SSE_MAX_PER_USER): a counter in the shared
 *   RateLimitStore, taken when a stream opens and given back when it closes, so the cap holds across
 *   API processes. Its window (one hour) bounds the damage of a process that died holding streams:
 *   their count is forgotten when the window ends. Beyond the cap, 429 `too_many_streams`. If the
 *   store is unreachable, streams are not refused (reads fail open, ADR 0020).
 *
 * The other caps exist where their data is: request body size (express.json, 413
 * `payload_too_large`), steps per suite and suite size (ASSAY_SUITE_MAX_STEPS/_BYTES, suite
 * validation), stored body excerpt per step (ASSAY_RUN_BODY_EXCERPT) and run duration
 * (ASSAY_RUN_TIMEOUT, in the runner).
 */
import type { Response } from 'express';
import type { Container } from '../../container.ts';
import { OperationalError } from '../../platform/errors.ts';
import type { Principal } from '../../services/access.ts';
import { HttpError } from '../errors.ts';

export const RUN_TRIGGER_ROUTE = 'POST /suites/:suiteId/runs';
export const RUN_EVENTS_ROUTE = 'GET /runs/:runId/events';

const STREAM_WINDOW_MS = 3_600_000;
const PAGE = 200;

function tooMany(res: Response, code: string, message: string, retryAfterSeconds: number): HttpError {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  return new HttpError(429, code, message);
}

async function countInFlight(container: Container, organisationId: string, stopAt: number): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page = await container.stores.runs.list(
      organisationId,
      { status: ['queued', 'running'] },
      { limit: PAGE, cursor },
    );
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== null && count < stopAt);
  return count;
}

export async function checkRunsInFlight(
  container: Container,
  res: Response,
  principal: Principal,
): Promise<void> {
  const cap = container.config.runs.maxInFlightPerOrganisation;
  const inFlight = await countInFlight(container, principal.organisationId, cap);
  if (inFlight >= cap) {
    throw tooMany(
      res,
      'runs_in_flight',
      `the organisation already has ${inFlight} runs queued or running (the cap is ${cap}); wait for some to finish or cancel them`,
      10,
    );
  }
}

export async function holdStreamSlot(
  container: Container,
  res: Response,
  principal: Principal,
): Promise<void> {
  const cap = container.config.runs.maxStreamsPerPrincipal;
  const who = principal.kind === 'user' ? `user:${principal.userId}` : `key:${principal.apiKeyId}`;
  const key = `streams:${who}`;
  const limits = container.rateLimits;
  let count: number;
  try {
    count = (await limits.hit(key, STREAM_WINDOW_MS)).count;
  } catch (error) {
    if (error instanceof OperationalError) return;
    throw error;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    limits.undo(key).catch(() => undefined);
  };
  if (count > cap) {
    release();
    throw tooMany(
      res,
      'too_many_streams',
      `you already have ${cap} event streams open (the cap per person or API key); close one first`,
      5,
    );
  }
  // The response's close, not the request's: a GET's request stream closes as soon as it is read.
  res.on('close', release);
}
