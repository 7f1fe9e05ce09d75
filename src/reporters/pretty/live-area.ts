/**
 * A block of lines at the bottom of the terminal, redrawn in place. Anything printed "above" it scrolls
 * up normally and stays in the scrollback; the block itself is erased and redrawn.
 */
import type { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';

export interface LiveArea {
  /** Replaces the block with these lines. */
  draw(lines: string[]): void;
  /** Prints text (ending with a newline) above the block, then redraws the block. */
  printAbove(text: string): void;
  /** Erases the block, leaving the cursor where it began. */
  clear(): void;
}

export function createLiveArea(out: Writable, width: () => number): LiveArea {
  let drawn = 0;
  let current: string[] = [];
  const erase = (): string => (drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '');
  const frame = (lines: string[]): string => lines.map((l) => `${fit(l, width() - 1)}\n`).join('');
  return {
    draw(lines) {
      current = lines;
      out.write(erase() + frame(lines));
      drawn = lines.length;
    },
    printAbove(text) {
      out.write(erase() + text + frame(current));
      drawn = current.length;
    },
    clear() {
      if (drawn > 0) out.write(erase());
      drawn = 0;
      current = [];
    },
  };
}

/** Cuts a line to the terminal width so it never wraps (wrapping would break the cursor arithmetic). */
function fit(line: string, max: number): string {
  const visible = stripVTControlCharacters(line);
  if (visible.length <= max) return line;
  // Styled lines are rare here and short; dropping their styling when cut is acceptable.
  return `${visible.slice(0, Math.max(0, max - 1))}…`;
}
