/** How errors reach the person at the keyboard: one line, never a stack unless ASSAY_DEBUG is set. */
import { EXIT, UsageError } from './command.ts';

const DEBUG_HINT = 'run with ASSAY_DEBUG=1 for details';

export function reportError(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`assay: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`assay: unexpected error: ${message.split('\n')[0]}\n`);
  if (process.env.ASSAY_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  else process.stderr.write(`${DEBUG_HINT}\n`);
  return EXIT.failed;
}

/** For commands that meet an unexpected error but carry on (one suite crashing must not lose the others). */
export function reportUnexpected(context: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`assay: ${context}: ${message.split('\n')[0]}\n`);
  if (process.env.ASSAY_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  else process.stderr.write(`${DEBUG_HINT}\n`);
}
