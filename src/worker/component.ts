/**
 * The run machinery as a background component of the server process (`src/cli/background.ts`):
 * started after the container, before the server listens (restart recovery is done by then), and
 * stopped after the HTTP server stops accepting. Active runs get the grace period to finish; those
 * still going just before it ends are given back to the queue for the next start.
 */
import type { RunRuntimeContainer, RunRuntimeOptions } from './runtime.ts';
import { startRunRuntime } from './runtime.ts';

/** Time kept at the end of the grace period to write down the runs given back. */
const RELEASE_MARGIN_MS = 2000;

export function runsComponent(options: RunRuntimeOptions = {}) {
  return {
    name: 'runs',
    async start(deps: { container: RunRuntimeContainer; shuttingDown: AbortSignal }) {
      const runtime = await startRunRuntime(deps.container, options);
      return async (deadline: AbortSignal) => {
        const graceMs = deps.container.config.server.shutdownGraceMs;
        const soft = new AbortController();
        const timer = setTimeout(
          () => soft.abort(),
          Math.max(0, graceMs - Math.min(RELEASE_MARGIN_MS, graceMs / 5)),
        );
        const onDeadline = () => soft.abort();
        deadline.addEventListener('abort', onDeadline, { once: true });
        try {
          await runtime.stop({ signal: soft.signal });
        } finally {
          clearTimeout(timer);
          deadline.removeEventListener('abort', onDeadline);
        }
      };
    },
  };
}
