/** `assay demo-target`: serve the demo users API until Ctrl-C. */
import { type Command, type CommandInput, EXIT, UsageError } from '../command.ts';
import { startDemoTarget } from '../demo-target/server.ts';

export const DEMO_PORT = 3900;

const help = `Usage: assay demo-target [--port ${DEMO_PORT}]

Starts a small in-memory users API on 127.0.0.1 for the example suite written by 'assay init':
GET /health, GET /users, POST /users, GET /users/:id, DELETE /users/:id. Stops on Ctrl-C.

Options:
  -p, --port N   port to listen on (default ${DEMO_PORT}; 0 picks a free one)
`;

export const command: Command = {
  help,
  options: { port: { type: 'string', short: 'p' } },
  run,
};

async function run({ values, positionals }: CommandInput): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const text = typeof values.port === 'string' ? values.port : String(DEMO_PORT);
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`--port '${text}': expected 0–65535`);
  let target: Awaited<ReturnType<typeof startDemoTarget>>;
  try {
    target = await startDemoTarget({ port: Number(text) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(`port ${text} is in use; choose another with --port`, EXIT.failed);
    throw error;
  }
  process.stdout.write(`Demo API listening on ${target.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await target.close();
  process.stdout.write('Demo API stopped\n');
  return EXIT.ok;
}
