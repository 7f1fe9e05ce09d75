/**
 * Work the server process runs besides answering HTTP: the run executor, the scheduler, session
 * clean-up … Each component starts after the container and before the server listens, and returns the
 * function that stops it. Stops run in reverse order on shutdown, after the HTTP server has stopped
 * accepting and before the database closes; `deadline` fires when the grace period is over (a run
 * executor then marks unfinished runs for resumption instead of waiting).
 */
import type { Container } from '../container.ts';
import { runsComponent } from '../worker/component.ts';
import { sessionSweeper } from './session-sweeper.ts';

export interface BackgroundDeps {
  container: Container;
  /** Aborted when shutdown begins: loops stop taking new work. */
  shuttingDown: AbortSignal;
}

export type StopBackground = (deadline: AbortSignal) => Promise<void>;

export interface BackgroundComponent {
  name: string;
  start(deps: BackgroundDeps): Promise<StopBackground>;
}

/** In start order. */
export const BACKGROUND_COMPONENTS: readonly BackgroundComponent[] = [runsComponent(), sessionSweeper()];
