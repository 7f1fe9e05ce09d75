/**
 * Builds the published JavaScript (ADR 0002): the `assay` CLI bundled by esbuild into `dist/cli/`, with
 * one chunk per lazily loaded command, plus the Postman sandbox runtime (`dist/postman-sandbox.js`).
 *
 * Bundling, rather than emitting one file per module, is a measured choice: `assay run` of a one-step
 * suite starts in about 0.13 s bundled against 0.2 s from per-module output (docs/performance.md) — a
 * short run is mostly module loading. Packages with native code, WebAssembly or files of their own stay
 * external and load from node_modules.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PACKAGE_ROOT } from '../src/core/package-root.ts';
import { writeSandboxBundle } from '../src/core/postman/sandbox/bundle.ts';

const EXTERNAL = [
  '@electric-sql/pglite',
  'argon2',
  'bullmq',
  'connect-redis',
  'esbuild',
  'express',
  'express-rate-limit',
  'express-session',
  'helmet',
  'isolated-vm',
  'kysely',
  'pg',
  'pino',
  'pino-pretty',
  'prom-client',
  'rate-limit-redis',
  'redis',
];

const outdir = join(PACKAGE_ROOT, 'dist', 'cli');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(PACKAGE_ROOT, 'src/cli/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external: EXTERNAL,
  // Bundled CommonJS packages call require(); ES modules have none, so give them one.
  banner: {
    js: "import { createRequire as __assayRequire } from 'node:module'; const require = __assayRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'linked',
});
await writeSandboxBundle();
process.stdout.write(`built ${outdir} and the Postman sandbox runtime\n`);
