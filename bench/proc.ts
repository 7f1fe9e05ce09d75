/**
 * Child processes for the benchmark: timed runs with a hard timeout, the target server, and memory
 * sampling from /proc. Every child is tracked and killed when the benchmark exits, however it exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killAll();
    process.stderr.write(`\nbench: interrupted (${signal}), children stopped\n`);
    process.exit(130);
  });
}

/**
 * The environment for every tool: the caller's, minus proxy settings. Several tools honour
 * HTTP_PROXY, and the benchmark's traffic must go straight to the loopback target.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
  for (const key of Object.keys(env)) {
    if (/^(https?|all|no)_proxy$/i.test(key)) delete env[key];
  }
  return env;
}

export interface RunResult {
  /** Spawn to exit, in milliseconds. */
  ms: number;
  /**
   * CPU time (user + system) the child used, in milliseconds, 10 ms resolution. Unlike wall time it
   * barely moves when other work competes for the machine's cores.
   */
  cpuMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called right after spawn with the child's pid (for memory sampling). */
  onSpawn?: (pid: number) => void;
}

/** Keeps only the end of a stream: a chatty tool must not grow the benchmark's own memory. */
const KEEP_CHARS = 64 * 1024;

/**
 * CPU time of this process's reaped children so far (cutime + cstime of /proc/self/stat), in ms.
 * The difference across one run is that child's CPU time, since runs never overlap and the long-lived
 * target server is not reaped until the end.
 */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17, in clock ticks of 10 ms.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Runs a command to completion, timing spawn → exit; SIGKILLs it when `timeoutMs` passes. */
export function runTimed(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let exitedAt = 0;
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-KEEP_CHARS);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-KEEP_CHARS);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('spawn', () => {
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`cannot start ${command}: ${error.message}`));
    });
    // 'exit' marks the end of the measured time; 'close' waits for the remaining output.
    child.on('exit', () => {
      exitedAt = performance.now();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const ms = (exitedAt || performance.now()) - started;
      resolve({ ms, cpuMs: childrenCpuMs() - cpuBefore, code, signal, timedOut, stdout, stderr });
    });
  });
}

export interface Target {
  baseUrl: string;
  stats(): Promise<{ requests: number; connections: number }>;
  reset(): Promise<void>;
  stop(): void;
}

/** Starts bench/target.ts in its own process and waits for its port. */
export async function startTarget(extraArgs: string[] = []): Promise<Target> {
  const script = new URL('./target.ts', import.meta.url).pathname;
  // stdin stays a pipe we never close: the target exits when this process dies and the pipe ends.
  const child = spawn(process.execPath, [script, ...extraArgs], {
    env: childEnv(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('target server did not start within 10 s')), 10_000);
    child.on('exit', (code) => reject(new Error(`target server exited early (code ${code})`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    async stats() {
      const res = await fetch(`${baseUrl}/__stats`, { signal: AbortSignal.timeout(5000) });
      return (await res.json()) as { requests: number; connections: number };
    },
    async reset() {
      const res = await fetch(`${baseUrl}/__reset`, { method: 'POST', signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
    },
    stop() {
      child.kill('SIGTERM');
      children.delete(child);
    },
  };
}

export interface MemorySample {
  /** Milliseconds since sampling started. */
  t: number;
  rssKb: number;
  hwmKb: number;
}

function readStatusKb(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    if (!rss || !hwm) return undefined; // a zombie has no memory lines
    return { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) };
  } catch {
    return undefined; // the process has just exited
  }
}

/**
 * Samples a process's RSS and high-water mark every `intervalMs` until `stop()`; times are relative
 * to `origin` (a performance.now() value) so they line up with other samplers of the same run.
 */
export function sampleMemory(
  pid: number,
  intervalMs = 100,
  origin = performance.now(),
): { stop(): MemorySample[] } {
  const samples: MemorySample[] = [];
  const take = (): void => {
    const kb = readStatusKb(pid);
    if (kb) samples.push({ t: performance.now() - origin, ...kb });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
