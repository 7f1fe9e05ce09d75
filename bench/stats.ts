/**
 * Turns raw timings into the reported figures, and the figures into a plain-text table.
 */
import { TOOL_LABELS, type ToolId } from './tools.ts';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Raw measurements of one tool across the repetitions; index r of each array is repetition r. */
export interface ToolSamples {
  /** Whole-process milliseconds for N and for 2N requests. */
  wholeN: number[];
  whole2N: number[];
  /** CPU milliseconds (user + system) of the tool's process for N and for 2N requests. */
  cpuN: number[];
  cpu2N: number[];
  /** The tool's own timing of its request loop for N requests, when it reports one. */
  innerN: number[];
  /** TCP connections the target saw during one N-request run (1 = keep-alive reused). */
  connectionsN: number[];
}

export interface ToolFigures {
  tool: ToolId;
  label: string;
  /** Median whole-process time (spawn → exit) for N requests, ms. */
  wholeMs: number;
  whole2NMs: number;
  /**
   * Steady state, ms per request: the median over repetitions of (T(2N) − T(N)) / N. Start-up and
   * shutdown cancel out; pairing the two runs of one repetition cancels slow drift of the machine.
   */
  steadyMsPerRequest: number;
  /** What is left of T(N) once the N requests are paid for: start-up, loading, exit. */
  startupMs: number;
  /** Median CPU time of the whole process for N requests, ms. */
  cpuMs: number;
  /** Steady-state CPU per request, ms: the median of (CPU(2N) − CPU(N)) / N. */
  cpuSteadyMsPerRequest: number;
  /** In-process time per request, from the tool's own clock, when available. */
  innerMsPerRequest: number | undefined;
  connections: number;
  samples: ToolSamples;
}

export function figures(tool: ToolId, n: number, samples: ToolSamples): ToolFigures {
  const diffs = samples.whole2N.map((t2, i) => (t2 - samples.wholeN[i]!) / n);
  const cpuDiffs = samples.cpu2N.map((c2, i) => (c2 - samples.cpuN[i]!) / n);
  const wholeMs = median(samples.wholeN);
  const steadyMsPerRequest = median(diffs);
  return {
    tool,
    label: TOOL_LABELS[tool],
    wholeMs,
    whole2NMs: median(samples.whole2N),
    steadyMsPerRequest,
    startupMs: wholeMs - n * steadyMsPerRequest,
    cpuMs: median(samples.cpuN),
    cpuSteadyMsPerRequest: median(cpuDiffs),
    innerMsPerRequest: samples.innerN.length > 0 ? median(samples.innerN) / n : undefined,
    connections: median(samples.connectionsN),
    samples,
  };
}

interface RatioSet {
  whole: number;
  steady: number;
  cpu: number;
  cpuSteady: number;
}

export interface Ratios {
  /** Bare time / tool time: the share of the bare loop's speed the tool reaches (1 = as fast). */
  ofBare: RatioSet | undefined;
  /** Newman time / tool time: how many times faster than Newman. */
  vsNewman: RatioSet | undefined;
  vsStepCi: RatioSet | undefined;
}

export function ratios(row: ToolFigures, all: readonly ToolFigures[]): Ratios {
  const against = (id: ToolId) => {
    const other = all.find((f) => f.tool === id);
    if (!other) return undefined;
    return {
      whole: other.wholeMs / row.wholeMs,
      steady: other.steadyMsPerRequest / row.steadyMsPerRequest,
      cpu: other.cpuMs / row.cpuMs,
      cpuSteady: other.cpuSteadyMsPerRequest / row.cpuSteadyMsPerRequest,
    };
  };
  return { ofBare: against('bare'), vsNewman: against('newman'), vsStepCi: against('stepci') };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const perRequest = (ms: number | undefined): string =>
  ms === undefined || !Number.isFinite(ms) ? '–' : `${ms.toFixed(3)} ms`;
// A non-positive ratio only arises from a steady-state difference lost in noise: show none.
const times = (set: RatioSet | undefined, key: keyof RatioSet): string =>
  set === undefined || !Number.isFinite(set[key]) || set[key] <= 0 ? '–' : `${set[key].toFixed(2)}×`;

/** True when some steady-state figure is not above zero, i.e. smaller than the run-to-run noise. */
export function steadyLostInNoise(all: readonly ToolFigures[]): boolean {
  return all.some((f) => !(f.steadyMsPerRequest > 0) || !(f.cpuSteadyMsPerRequest > 0));
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function speedTable(all: readonly ToolFigures[], n: number): string {
  const timing = table(
    ['wall clock', `whole ${n}`, `whole ${2 * n}`, 'start-up', 'steady/req', 'in-process/req', 'conns'],
    all.map((f) => [
      f.label,
      seconds(f.wholeMs),
      seconds(f.whole2NMs),
      seconds(f.startupMs),
      perRequest(f.steadyMsPerRequest),
      perRequest(f.innerMsPerRequest),
      String(f.connections),
    ]),
  );
  const cpu = table(
    ['CPU time', `whole ${n}`, 'steady/req'],
    all.map((f) => [f.label, seconds(f.cpuMs), perRequest(f.cpuSteadyMsPerRequest)]),
  );
  const ratioTable = (title: string, whole: keyof RatioSet, steady: keyof RatioSet) =>
    table(
      [title, 'of bare', 'steady', 'vs Newman', 'steady', 'vs Step CI', 'steady'],
      all.map((f) => {
        const r = ratios(f, all);
        return [
          f.label,
          ...[r.ofBare, r.vsNewman, r.vsStepCi].flatMap((set) => [times(set, whole), times(set, steady)]),
        ];
      }),
    );
  return [
    timing,
    cpu,
    ratioTable('speed ratio (wall)', 'whole', 'steady'),
    ratioTable('speed ratio (CPU)', 'cpu', 'cpuSteady'),
  ].join('\n\n');
}
