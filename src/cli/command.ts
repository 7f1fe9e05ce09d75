/**
 * The shape of one `assay` subcommand. Each lives in its own file under `commands/` and is imported only
 * when invoked, so `assay run` never pays for `serve` or `demo-target`.
 */
import type { ParseArgsOptionsConfig } from 'node:util';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Options in command-line order, for flags whose meaning depends on their neighbours (`--reporter … --out …`). */
export type OptionToken = { name: string; value: string | undefined };

export interface CommandInput {
  values: OptionValues;
  positionals: string[];
  tokens: OptionToken[];
}

export interface Command {
  /** Help text printed by `assay <name> --help`. */
  help: string;
  options: ParseArgsOptionsConfig;
  /** Resolves to the process exit code. */
  run(input: CommandInput): Promise<number>;
}

/** Exit codes are part of the CLI's contract: CI relies on them. */
export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

/** A mistake of the person at the keyboard: printed as one line, exit code 2, no stack. */
export class UsageError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.invalid) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}
