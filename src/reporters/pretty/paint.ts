/** Colour for the pretty reporter: `util.styleText` when the terminal takes it, plain text otherwise. */
import type { Writable } from 'node:stream';
import { styleText } from 'node:util';
import type { Paint } from '../evidence.ts';

const STYLES = { bad: 'red', good: 'green', dim: 'dim', bold: 'bold' } as const;

export function makePaint(color: boolean): Paint {
  if (!color) return (_kind, text) => text;
  return (kind, text) => styleText(STYLES[kind], text, { validateStream: false });
}

/**
 * On a terminal, `hasColors` honours NO_COLOR, FORCE_COLOR, NODE_DISABLE_COLORS and TERM=dumb. Pipes and
 * files get colour only when FORCE_COLOR asks for it (CI log viewers that render ANSI).
 */
export function terminalColors(out: Writable): boolean {
  const tty = out as Writable & { isTTY?: boolean; hasColors?: () => boolean };
  if (tty.isTTY === true) return typeof tty.hasColors === 'function' && tty.hasColors();
  const force = process.env.FORCE_COLOR;
  return force !== undefined && force !== '0' && force !== 'false';
}

/** A live display redraws lines in place: only on a real terminal, and not in CI logs, which keep every frame. */
export function terminalLive(out: Writable): boolean {
  const tty = out as Writable & { isTTY?: boolean };
  return tty.isTTY === true && !process.env.CI && process.env.TERM !== 'dumb';
}

export function terminalWidth(out: Writable): number {
  const columns = (out as Writable & { columns?: number }).columns;
  return typeof columns === 'number' && columns > 20 ? columns : 100;
}
