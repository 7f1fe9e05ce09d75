/**
 * Turns the paths given to `assay run` / `assay validate` into suite files. Named files are taken as
 * they are; directories (searched recursively) and globs only yield files that look like suites, so a
 * `package.json` or a CI workflow sitting next to the suites is passed over rather than reported.
 */
import { glob, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../command.ts';

const SUITE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const GLOB_CHARS = /[*?[\]{}]/;

export function hasSuiteExtension(file: string): boolean {
  return SUITE_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** Skipped in directory scans: dependencies, and hidden folders such as `.git` and `.github`. */
function skipDirectory(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

export async function discoverSuiteFiles(args: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    if (info?.isFile()) {
      if (!hasSuiteExtension(arg))
        throw new UsageError(`${arg}: not a suite file (expected .yaml, .yml or .json)`);
      found.add(path.normalize(arg));
    } else if (info?.isDirectory()) {
      const files = await scanDirectory(arg);
      if (files.length === 0) throw new UsageError(`${arg}: no suite files found in this directory`);
      for (const file of files) found.add(file);
    } else if (GLOB_CHARS.test(arg)) {
      const files = await expandGlob(arg);
      if (files.length === 0) throw new UsageError(`${arg}: no suite files match this pattern`);
      for (const file of files) found.add(file);
    } else {
      throw new UsageError(`${arg}: no such file or directory`);
    }
  }
  return [...found];
}

async function scanDirectory(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirectory(entry.name)) out.push(...(await scanDirectory(full)));
    } else if (entry.isFile() && hasSuiteExtension(entry.name) && (await looksLikeSuite(full))) {
      out.push(full);
    }
  }
  return out;
}

async function expandGlob(pattern: string): Promise<string[]> {
  const out: string[] = [];
  const matches: string[] = [];
  for await (const match of glob(pattern)) {
    if (!match.split(path.sep).includes('node_modules')) matches.push(match);
  }
  matches.sort();
  for (const match of matches) {
    const info = await stat(match).catch(() => undefined);
    if (info?.isDirectory()) out.push(...(await scanDirectory(match)));
    else if (info?.isFile() && hasSuiteExtension(match) && (await looksLikeSuite(match)))
      out.push(path.normalize(match));
  }
  return out;
}

/**
 * A cheap sniff, not validation: a suite has a top-level `version` or `steps`. Unparseable JSON that
 * mentions `steps` is kept so that a broken suite is reported, not silently skipped.
 */
export async function looksLikeSuite(file: string): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => '');
  if (path.extname(file).toLowerCase() === '.json') {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && ('version' in value || 'steps' in value);
    } catch {
      return /"(steps|version)"\s*:/.test(text);
    }
  }
  return /^(version|steps)\s*:/m.test(text);
}
