/**
 * The life of a run on the server: `queued → running → passed | failed | errored | cancelled`.
 * A run that was `running` when its process died goes back to `queued` (resumption); nothing leaves a
 * final state. Storage enforces these transitions with conditional updates, so they hold across processes.
 */

export const RUN_STATES = ['queued', 'running', 'passed', 'failed', 'errored', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const FINAL_STATES: ReadonlySet<RunState> = new Set(['passed', 'failed', 'errored', 'cancelled']);

const ALLOWED: Record<RunState, readonly RunState[]> = {
  queued: ['running', 'cancelled', 'errored'],
  running: ['passed', 'failed', 'errored', 'cancelled', 'queued'],
  passed: [],
  failed: [],
  errored: [],
  cancelled: [],
};

export function isFinal(state: RunState): boolean {
  return FINAL_STATES.has(state);
}

export function canTransition(from: RunState, to: RunState): boolean {
  return ALLOWED[from].includes(to);
}

/** The states a run may be in for a move to `to` to be legal — the `WHERE status IN (…)` of an update. */
export function statesBefore(to: RunState): RunState[] {
  return RUN_STATES.filter((from) => canTransition(from, to));
}
