/** `assay validate`: load and check suites without sending a request. */
import { type Command, type CommandInput, EXIT, UsageError } from '../command.ts';
import { discoverSuiteFiles } from '../run/discover.ts';
import { loadSuites } from '../run/load-suites.ts';

const help = `Usage: assay validate <files|dirs|globs…>

Checks suite files against the suite format (version 1) without running them. Prints every error
with its file, line, column and path, and "✓ path — N steps" for each valid file.

Exit codes: 0 all valid, 2 an invalid or unreadable file, or a usage error.
`;

export const command: Command = { help, options: {}, run };

async function run({ positionals }: CommandInput): Promise<number> {
  if (positionals.length === 0) throw new UsageError("no suites given (see 'assay validate --help')");
  const outcome = await loadSuites(await discoverSuiteFiles(positionals));
  for (const file of outcome.files) {
    if (file.suite) {
      const n = file.suite.steps.length;
      process.stdout.write(`✓ ${file.path} — ${n} step${n === 1 ? '' : 's'}\n`);
    } else {
      for (const message of file.errors) process.stderr.write(`${message}\n`);
    }
  }
  if (outcome.invalidFiles > 0) {
    process.stderr.write(`\n${outcome.invalidFiles} of ${outcome.files.length} suite file(s) invalid.\n`);
    return EXIT.invalid;
  }
  return EXIT.ok;
}
