/**
 * Where the runtime bundle comes from (ADR 0010). It is generated, never checked in: `dist/postman-sandbox.js`,
 * stamped with a key derived from the runtime sources and the versions of the bundled packages. On first
 * use in a process the stamp is compared with the current key; a missing or stale bundle is rebuilt
 * (about a second with esbuild) and written atomically, so concurrent test processes do not collide.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.ts';
import {
  BUNDLED_PACKAGES,
  buildRuntimeBundle,
  EsbuildMissingError,
  RUNTIME_DIR,
  SANDBOX_SOURCE_DIR,
} from './build.ts';

export interface SandboxBundle {
  code: string;
  key: string;
}

const ROOT = PACKAGE_ROOT;
export const BUNDLE_PATH = join(ROOT, 'dist', 'postman-sandbox.js');
const HOST_SOURCES = ['build.ts', 'protocol.ts', 'types.ts'].map((name) => join(SANDBOX_SOURCE_DIR, name));
const STAMP = '/* assay-postman-sandbox ';

function packageVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'missing';
  }
}

export function bundleKey(): string {
  const hash = createHash('sha256');
  const runtimeFiles = readdirSync(RUNTIME_DIR)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(RUNTIME_DIR, name));
  for (const file of [...runtimeFiles, ...HOST_SOURCES]) {
    hash.update(file.slice(ROOT.length)).update('\0');
    try {
      hash.update(readFileSync(file)).update('\0');
    } catch {
      // Compiled installations have no .ts sources; the key then only tracks package versions.
    }
  }
  for (const name of BUNDLED_PACKAGES) hash.update(`${name}@${packageVersion(name)}\0`);
  return hash.digest('hex').slice(0, 32);
}

function readStamped(path: string): { code: string; key: string } | undefined {
  try {
    const code = readFileSync(path, 'utf8');
    if (!code.startsWith(STAMP)) return undefined;
    return { code, key: code.slice(STAMP.length, code.indexOf(' */\n')) };
  } catch {
    return undefined;
  }
}

/** Builds the bundle and writes it; returns the stamped code. Used by `scripts/build-postman-sandbox.ts`. */
export async function writeSandboxBundle(path = BUNDLE_PATH): Promise<SandboxBundle> {
  const key = bundleKey();
  const code = `${STAMP}${key} */\n${await buildRuntimeBundle()}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, path);
  } catch {
    // A read-only installation still works: the bundle just lives in memory for this process.
  }
  return { code, key };
}

let loading: Promise<SandboxBundle> | undefined;

/**
 * The current bundle, built if needed; memoised per process. Without esbuild (a production install) a
 * bundle built beforehand is used even when its key differs: it was built for this package, and there
 * is no way to rebuild it there.
 */
export function loadSandboxBundle(): Promise<SandboxBundle> {
  loading ??= (async () => {
    const key = bundleKey();
    const existing = readStamped(BUNDLE_PATH);
    if (existing?.key === key) return existing;
    try {
      return await writeSandboxBundle();
    } catch (error) {
      if (existing && error instanceof EsbuildMissingError) return existing;
      throw error;
    }
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
