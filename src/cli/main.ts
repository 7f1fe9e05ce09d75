/** Entry point of the `assay` binary. Kept tiny: commands are imported only when invoked. */
import { runCli } from './cli.ts';

const code = await runCli(process.argv.slice(2));
// Exit explicitly so idle keep-alive sockets cannot hold the process open, but only once buffered output
// is out (stdout is asynchronous when piped on some platforms).
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
