/**
 * Entry point of the `assay` binary. It only turns on Node's on-disk compile cache before loading the
 * CLI: for a short run, compiling (and type-stripping) the modules is most of the process's time, and
 * the cache roughly halves it from the second run on (see docs/performance.md).
 */
import module from 'node:module';

module.enableCompileCache?.();
await import('./start.ts');
