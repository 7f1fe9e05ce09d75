/**
 * `--reporter` and `--out` pairing: each `--out` belongs to the `--reporter` just before it. A reporter
 * without `--out` writes to stdout, and only one may. Without any `--reporter`, `pretty` goes to stdout.
 */
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { isReporterName, loadReporter, REPORTER_NAMES, type ReporterName } from '../../reporters/registry.ts';
import type { Reporter } from '../../reporters/reporter.ts';
import type { OptionToken } from '../command.ts';
import { UsageError } from '../command.ts';

export interface ReporterPlan {
  name: ReporterName;
  /** A file path; undefined means stdout. */
  out: string | undefined;
}

export function planReporters(tokens: readonly OptionToken[]): ReporterPlan[] {
  const plans: ReporterPlan[] = [];
  for (const token of tokens) {
    if (token.name === 'reporter') {
      const name = token.value ?? '';
      if (!isReporterName(name)) {
        throw new UsageError(`unknown reporter '${name}' (one of: ${REPORTER_NAMES.join(', ')})`);
      }
      plans.push({ name, out: undefined });
    } else if (token.name === 'out') {
      const last = plans.at(-1);
      if (!last) throw new UsageError('--out must follow the --reporter it belongs to');
      if (last.out !== undefined) throw new UsageError(`--reporter ${last.name} has two --out paths`);
      last.out = token.value ?? '';
    }
  }
  if (plans.length === 0) plans.push({ name: 'pretty', out: undefined });
  if (plans.filter((p) => p.out === undefined).length > 1) {
    throw new UsageError('only one reporter may write to stdout; give the others an --out path');
  }
  const files = plans.flatMap((p) => (p.out === undefined ? [] : [path.resolve(p.out)]));
  if (new Set(files).size !== files.length)
    throw new UsageError('two reporters write to the same --out path');
  return plans;
}

export interface OpenReporter {
  reporter: Reporter;
  /** Finishes the reporter and closes its file. */
  close(): Promise<void>;
}

/** Opens every output file first, so an unwritable path is reported before anything runs. */
export async function openReporters(plans: readonly ReporterPlan[]): Promise<OpenReporter[]> {
  const streams: { plan: ReporterPlan; out: Writable; close: () => Promise<void> }[] = [];
  for (const plan of plans) {
    if (plan.out === undefined) {
      streams.push({ plan, out: process.stdout, close: async () => {} });
      continue;
    }
    try {
      await mkdir(path.dirname(path.resolve(plan.out)), { recursive: true });
      const handle = await open(plan.out, 'w');
      const out = handle.createWriteStream();
      const closed = new Promise<void>((resolve, reject) => {
        out.once('close', resolve);
        out.once('error', reject);
      });
      streams.push({
        plan,
        out,
        close: () => {
          out.end();
          return closed;
        },
      });
    } catch (error) {
      await Promise.all(streams.map((s) => s.close()));
      throw new UsageError(
        `--out ${plan.out}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const opened: OpenReporter[] = [];
  for (const { plan, out, close } of streams) {
    const reporter = (await loadReporter(plan.name))({ out });
    opened.push({
      reporter,
      close: async () => {
        await reporter.finish();
        await close();
      },
    });
  }
  return opened;
}
