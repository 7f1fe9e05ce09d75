/** The CLI proper, loaded by `main.ts` once the compile cache is on. Commands are imported only when invoked. */
import { runCli } from './cli.ts';
import { reportError } from './errors.ts';

// A reader that goes away (`assay run … | head`) must not crash the run or change its exit code.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
// Whatever escapes (a bug in a callback) still ends as one line and exit code 1, never a stack trace.
const crash = (error: unknown): void => {
  process.exit(reportError(error));
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const code = await runCli(process.argv.slice(2));
// Exit explicitly so idle keep-alive sockets cannot hold the process open, but only once buffered output
// is out (stdout is asynchronous when piped on some platforms).
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
