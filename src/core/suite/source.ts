/**
 * Suite text → plain data, plus the source position of every key and value. YAML and JSON both go through
 * the `yaml` package (JSON is first checked strictly, since YAML accepts JSON's common mistakes), and the
 * document is converted here rather than with `toJS` so that positions, duplicate keys, odd keys and
 * alias bombs are all handled in one walk.
 */
import { createRequire } from 'node:module';
import type { Document, Node } from 'yaml';
import type { DocumentPath } from './errors.ts';
import { checkJsonSyntax } from './json-syntax.ts';

export interface Position {
  line: number;
  column: number;
}

export interface SourceProblem extends Position {
  path: DocumentPath;
  message: string;
}

/** The position of a path's key (for a map entry) or value; falls back to the nearest located ancestor. */
export type Locator = (path: DocumentPath, at: 'key' | 'value') => Position;

export type SourceResult =
  | { ok: true; data: unknown; empty: boolean; locate: Locator }
  | { ok: false; problems: SourceProblem[] };

// Values reached through aliases; a suite needs a handful, a "billion laughs" document needs billions.
const MAX_ALIASED_VALUES = 100_000;

interface Offsets {
  key?: number;
  value?: number;
}

class TooLarge extends Error {}

// Loaded on first use: valid suites are read by the quick reader, and this module is only for errors.
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule;
}

export function readSource(text: string, format: 'yaml' | 'json'): SourceResult {
  const { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const position = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

  if (format === 'json') {
    const syntax = checkJsonSyntax(text);
    if (syntax !== undefined) {
      lineStarts(lines, text);
      return {
        ok: false,
        problems: [{ ...position(syntax.offset), path: [], message: `JSON syntax error: ${syntax.message}` }],
      };
    }
  }

  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const syntaxProblems = [...doc.errors, ...doc.warnings].map((e) => ({
    ...position(e.pos[0]),
    path: [],
    message: yamlMessage(e.code, e.message, format),
  }));
  if (syntaxProblems.length > 0) return { ok: false, problems: firstPerLine(syntaxProblems) };

  const offsets = new Map<string, Offsets>();
  const problems: SourceProblem[] = [];
  const state = { aliased: 0, expanding: new Set<Node>() };

  const record = (path: DocumentPath, at: keyof Offsets, offset: number | undefined): void => {
    if (offset === undefined) return;
    const id = JSON.stringify(path);
    const entry = offsets.get(id) ?? {};
    entry[at] ??= offset;
    offsets.set(id, entry);
  };

  const convert = (node: unknown, path: DocumentPath): unknown => {
    if (state.expanding.size > 0 && ++state.aliased > MAX_ALIASED_VALUES) throw new TooLarge();
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      record(path, 'value', node.range?.[0]);
      const target = node.resolve(doc as Document);
      if (target === undefined) return null;
      if (state.expanding.has(target)) {
        problems.push({
          ...at(node),
          path,
          message: `the alias *${node.source} refers to a node that contains it`,
        });
        return null;
      }
      state.expanding.add(target);
      try {
        return convert(target, path);
      } finally {
        state.expanding.delete(target);
      }
    }
    if (isScalar(node)) {
      const [start, end] = node.range ?? [];
      record(path, 'value', start !== undefined && start !== end ? start : undefined);
      return node.value;
    }
    if (isSeq(node)) {
      record(path, 'value', node.range?.[0]);
      return node.items.map((item, index) => convert(item, [...path, index]));
    }
    if (isMap(node) || isPair(node)) {
      record(path, 'value', isPair(node) ? keyOffset(node.key) : node.range?.[0]);
      const object: Record<string, unknown> = {};
      const seen = new Map<string, Node>();
      for (const pair of isPair(node) ? [node] : node.items) {
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc as Document) : pair.key;
        if (!isScalar(keyNode) || keyNode.value === null) {
          const what = keyNode === null || isScalar(keyNode) ? 'empty' : 'a mapping or list';
          problems.push({
            ...at(pair.key ?? pair.value ?? node),
            path,
            message: `a key here is ${what}: keys must be plain text`,
          });
          continue;
        }
        const key = String(keyNode.value);
        const keyPath = [...path, key];
        const first = seen.get(key);
        if (first !== undefined) {
          problems.push({
            ...at(pair.key as Node),
            path: keyPath,
            message: `duplicate key "${key}" (first at line ${at(first).line}, column ${at(first).column}): each key may appear once`,
          });
          continue;
        }
        seen.set(key, keyNode);
        record(keyPath, 'key', keyOffset(pair.key));
        // Defined rather than assigned, so that a key named __proto__ stays an ordinary key.
        Object.defineProperty(object, key, {
          value: convert(pair.value, keyPath),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
    return null;
  };

  const at = (node: unknown): Position => position(keyOffset(node) ?? 0);

  let data: unknown;
  try {
    record([], 'value', doc.contents?.range?.[0]);
    data = convert(doc.contents, []);
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error;
    return {
      ok: false,
      problems: [
        { line: 1, column: 1, path: [], message: 'the document expands to too many values (aliases?)' },
      ],
    };
  }
  if (problems.length > 0) return { ok: false, problems };

  const locate: Locator = (path, at) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const entry = offsets.get(JSON.stringify(path.slice(0, depth)));
      if (entry === undefined) continue;
      const offset =
        depth === path.length && at === 'key' ? (entry.key ?? entry.value) : (entry.value ?? entry.key);
      if (offset !== undefined) return position(offset);
    }
    return { line: 1, column: 1 };
  };
  return { ok: true, data, empty: doc.contents === null, locate };
}

function keyOffset(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

// The YAML parser fills the line counter as it reads; a JSON error stops before that, so fill it here.
function lineStarts(lines: import('yaml').LineCounter, text: string): void {
  lines.addNewLine(0);
  let at = text.indexOf('\n');
  while (at !== -1) {
    lines.addNewLine(at + 1);
    at = text.indexOf('\n', at + 1);
  }
}

function firstPerLine(problems: SourceProblem[]): SourceProblem[] {
  const seen = new Set<number>();
  return problems.filter((p) => {
    if (seen.has(p.line)) return false;
    seen.add(p.line);
    return true;
  });
}

const YAML_ADVICE: Record<string, string> = {
  TAB_AS_INDENT: 'a tab indents this line: YAML indentation takes spaces',
  MULTIPLE_DOCS: 'the file holds more than one YAML document ("---"): put each suite in its own file',
  BLOCK_AS_IMPLICIT_KEY:
    'a mapping cannot start on the same line as its key: move it to the next line, or quote a value that contains ": "',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines: keep each key on one line, followed by ":"',
};

function yamlMessage(code: string, message: string, format: 'yaml' | 'json'): string {
  const kind = format === 'json' ? 'JSON' : 'YAML';
  if (code === 'TAG_RESOLVE_FAILED') {
    return `${kind} syntax error: ${lowerFirst(message)}; suites use plain values without tags`;
  }
  if (/call stack/i.test(message)) return `${kind} syntax error: the document is nested too deeply`;
  if (code === 'MISSING_CHAR' && /quote/.test(message)) {
    return `${kind} syntax error: a quoted string is never closed: add the closing quote`;
  }
  const advice = YAML_ADVICE[code];
  if (advice !== undefined) return `${kind} syntax error: ${advice}`;
  const hint = code === 'UNEXPECTED_TOKEN' || code === 'BAD_INDENT' ? ' (check the indentation)' : '';
  return `${kind} syntax error: ${lowerFirst(message)}${hint}`;
}

function lowerFirst(text: string): string {
  return text.length > 1 && /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;
}
