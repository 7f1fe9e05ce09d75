/**
 * The folder of Assay's package.json. Found by walking up from this module rather than with a fixed
 * `../..`, because the same code runs from `src/` (sources) and from the bundled `dist/cli/` chunks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'assay') return dir;
      } catch {
        // An unreadable manifest is not ours; keep looking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find Assay's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
}
