/** `assay init`: write an example suite to start from. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Command, type CommandInput, EXIT, UsageError } from '../command.ts';
import { EXAMPLE_SUITE } from '../init/example-suite.ts';

const help = `Usage: assay init [dir]

Writes an example suite to assay/example.yaml (or dir/example.yaml). It runs against the demo API
started by 'assay demo-target'. Existing files are never overwritten.
`;

export const command: Command = { help, options: {}, run };

async function run({ positionals }: CommandInput): Promise<number> {
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const dir = positionals[0] ?? 'assay';
  const file = path.join(dir, 'example.yaml');
  try {
    await mkdir(dir, { recursive: true });
    // 'wx' fails if the file exists: the check and the write are one step, no race.
    await writeFile(file, EXAMPLE_SUITE, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${file} already exists; not overwriting it`, EXIT.failed);
    throw new UsageError(`cannot write ${file} (${code ?? 'error'})`, EXIT.failed);
  }
  const lines: [string, string][] = [
    ['npx assay demo-target', 'in one terminal: a local API for the example'],
    [`npx assay run ${dir}`, 'in another: run the suite'],
  ];
  const width = Math.max(...lines.map(([cmd]) => cmd.length)) + 2;
  const next = lines.map(([cmd, why]) => `  ${cmd.padEnd(width)}# ${why}`).join('\n');
  process.stdout.write(`Created ${file}\n\nNext:\n${next}\n`);
  return EXIT.ok;
}
