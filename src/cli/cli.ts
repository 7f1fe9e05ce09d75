/**
 * Argument dispatch for the `assay` binary: global flags, the command table, per-command parsing, and
 * the one place where errors become exit codes and one-line messages.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { closest } from '../core/runner/closest.ts';
import { type Command, type CommandInput, EXIT, type OptionToken, UsageError } from './command.ts';
import { COMMANDS } from './commands.ts';
import { reportError } from './errors.ts';

export async function runCli(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (error) {
    return reportError(error);
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(topHelp());
    return EXIT.invalid;
  }
  if (first === '--help' || first === '-h') {
    process.stdout.write(topHelp());
    return EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    const name = rest[0];
    if (name === undefined) {
      process.stdout.write(topHelp());
      return EXIT.ok;
    }
    process.stdout.write((await loadCommand(name)).help);
    return EXIT.ok;
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (see 'assay --help')`);
  const command = await loadCommand(first);
  const input = parseCommandArgs(first, command, rest);
  if (input.values.help === true) {
    process.stdout.write(command.help);
    return EXIT.ok;
  }
  return command.run(input);
}

async function loadCommand(name: string): Promise<Command> {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    const guess = suggest(name, Object.keys(COMMANDS));
    throw new UsageError(
      `unknown command '${name}' (${guess ? `did you mean ${guess}? ` : ''}see 'assay --help')`,
    );
  }
  return entry.load();
}

function parseCommandArgs(name: string, command: Command, args: string[]): CommandInput {
  try {
    const parsed = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
    const tokens: OptionToken[] = [];
    for (const token of parsed.tokens) {
      if (token.kind === 'option') tokens.push({ name: token.name, value: token.value });
    }
    return { values: parsed.values, positionals: parsed.positionals, tokens };
  } catch (error) {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      const unknown = /^Unknown option '-{1,2}([^']+)'/.exec(error.message)?.[1];
      const guess = unknown === undefined ? undefined : suggest(unknown, Object.keys(command.options));
      const hint = guess ? `did you mean --${guess}? ` : '';
      throw new UsageError(`${parseArgsMessage(error.message)} (${hint}see 'assay ${name} --help')`);
    }
    throw error;
  }
}

function suggest(name: string, candidates: string[]): string | undefined {
  return closest(name, candidates) ?? candidates.find((c) => c.startsWith(name));
}

/** Node's messages carry advice about `--` that does not fit a CLI user; keep the first sentence. */
function parseArgsMessage(message: string): string {
  const first = message.split('. ')[0] ?? message;
  return first.charAt(0).toLowerCase() + first.slice(1).replace(/\.$/, '');
}

export function version(): string {
  // src/cli and dist/cli are both two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, e]) => `  ${n.padEnd(width)}  ${e.summary}`);
  return `Usage: assay <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help     show help (also: assay <command> --help)
  -v, --version  print the version

Exit codes: 0 all passed, 1 a step failed or errored, 2 invalid input.
`;
}
