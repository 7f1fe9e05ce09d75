/**
 * Builds the in-isolate runtime: `runtime/entry.ts` and the libraries scripts use, bundled by esbuild into
 * one self-contained browser-style script (no `require`, no Node built-ins). esbuild is a dev dependency;
 * installations without it use a bundle built beforehand (`npm run build:sandbox`), see ADR 0010.
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.ts';

// From the package root, not this module: the CLI also runs bundled from dist/, away from the sources.
export const SANDBOX_SOURCE_DIR = join(PACKAGE_ROOT, 'src/core/postman/sandbox');
export const RUNTIME_DIR = join(SANDBOX_SOURCE_DIR, 'runtime/');
const ENTRY = join(RUNTIME_DIR, 'entry.ts');

/** Packages whose code ends up in the bundle: their versions are part of the bundle's cache key. */
export const BUNDLED_PACKAGES = [
  'ajv',
  'ajv-formats',
  'buffer',
  'chai',
  'cheerio',
  'crypto-js',
  'csv-parse',
  'events',
  'lodash',
  'moment',
  'tv4',
  'uuid',
  'xml2js',
] as const;

/** Node built-ins that bundled libraries reference without needing them in the sandbox. */
const STUBS: Record<string, string> = {
  // sax (xml2js) extends Stream only for its streaming API, which the sandbox does not offer.
  stream: 'export function Stream() {}',
  string_decoder: 'export function StringDecoder() {}',
  // xml2js schedules async parsing with setImmediate; the runtime provides a host-driven one.
  timers: 'export const setImmediate = (fn, ...args) => globalThis.setImmediate(fn, ...args);',
  crypto: 'export default {};',
};

interface EsbuildModule {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: { text: string }[] }>;
}

export class EsbuildMissingError extends Error {
  override name = 'EsbuildMissingError';
}

async function loadEsbuild(): Promise<EsbuildModule> {
  try {
    return (await import('esbuild')) as unknown as EsbuildModule;
  } catch (error) {
    throw new EsbuildMissingError(
      'The Postman script sandbox bundle is missing or out of date, and esbuild (a dev dependency) is not ' +
        'installed to build it. Run `npm run build:sandbox` where dev dependencies are installed.',
      { cause: error },
    );
  }
}

export async function buildRuntimeBundle(): Promise<string> {
  const esbuild = await loadEsbuild();
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    plugins: [
      {
        name: 'node-stubs',
        setup(build: {
          onResolve(options: { filter: RegExp }, fn: (args: { path: string }) => unknown): void;
          onLoad(
            options: { filter: RegExp; namespace: string },
            fn: (args: { path: string }) => unknown,
          ): void;
        }) {
          const names = new RegExp(`^(${Object.keys(STUBS).join('|')})$`);
          build.onResolve({ filter: names }, (args) => ({ path: args.path, namespace: 'node-stub' }));
          build.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
            contents: STUBS[args.path],
            loader: 'js',
          }));
        },
      },
    ],
  });
  const text = result.outputFiles?.[0]?.text;
  if (!text) throw new Error('esbuild produced no output for the Postman sandbox runtime');
  return text;
}
