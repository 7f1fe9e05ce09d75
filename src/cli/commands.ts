/**
 * The command table. Adding a subcommand is one line here plus one file in `commands/`; nothing is
 * imported until the command runs.
 */
import type { Command } from './command.ts';

export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  run: {
    summary: 'run suite files, directories or globs',
    load: async () => (await import('./commands/run.ts')).command,
  },
  validate: {
    summary: 'check suite files without running them',
    load: async () => (await import('./commands/validate.ts')).command,
  },
  init: {
    summary: 'scaffold an example suite',
    load: async () => (await import('./commands/init.ts')).command,
  },
  serve: {
    summary: 'start the server (API, background runs) until SIGTERM/SIGINT',
    load: async () => (await import('./commands/serve.ts')).command,
  },
  worker: {
    summary: 'execute runs from the Redis queues (distributed mode) until SIGTERM/SIGINT',
    load: async () => (await import('./commands/worker.ts')).command,
  },
  migrate: {
    summary: 'apply pending database migrations and exit',
    load: async () => (await import('./commands/migrate.ts')).command,
  },
  secrets: {
    summary: 'rotate-key: re-encrypt environment secrets under the current ASSAY_SECRET_KEY',
    load: async () => (await import('./commands/secrets.ts')).command,
  },
  'demo-target': {
    summary: 'start a small local API that the example suite runs against',
    load: async () => (await import('./commands/demo-target.ts')).command,
  },
};
