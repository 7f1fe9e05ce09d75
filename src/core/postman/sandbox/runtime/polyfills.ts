/**
 * Web and Node globals that a bare V8 context lacks and that Postman scripts or the bundled libraries use:
 * `Buffer`, `atob`/`btoa`, `queueMicrotask` and `crypto.getRandomValues` (uuid, crypto-js). Randomness is
 * `Math.random`: the sandbox has no entropy source, and postman-sandbox's is no stronger.
 */
import { Buffer } from 'buffer';
import { randomUuid } from './dynamic-variables.ts';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function invalidCharacter(): Error {
  const error = new Error('Invalid character');
  error.name = 'InvalidCharacterError';
  return error;
}

export function btoa(input: unknown): string {
  const text = String(input);
  let out = '';
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i);
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) : Number.NaN;
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) : Number.NaN;
    if (a > 255 || b > 255 || c > 255) throw invalidCharacter();
    const bits = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += BASE64[(bits >> 18) & 63];
    out += BASE64[(bits >> 12) & 63];
    out += Number.isNaN(b) ? '=' : BASE64[(bits >> 6) & 63];
    out += Number.isNaN(c) ? '=' : BASE64[bits & 63];
  }
  return out;
}

export function atob(input: unknown): string {
  let text = String(input).replace(/[\t\n\f\r ]/g, '');
  if (text.length % 4 === 0) text = text.replace(/==?$/, '');
  if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) throw invalidCharacter();
  let out = '';
  let bits = 0;
  let count = 0;
  for (const char of text) {
    bits = (bits << 6) | BASE64.indexOf(char);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += String.fromCharCode((bits >> count) & 255);
    }
  }
  return out;
}

function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
  if (!array) return array;
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return array;
}

export function installPolyfills(): void {
  const globals = globalThis as Record<string, unknown>;
  globals.Buffer = Buffer;
  globals.atob = atob;
  globals.btoa = btoa;
  globals.queueMicrotask = (fn: () => void) => {
    Promise.resolve().then(fn);
  };
  globals.crypto = { getRandomValues, randomUUID: randomUuid };
  // postman-sandbox ships sugar.js; of its additions, `responseBody.has(text)` is what legacy snippets use.
  Object.defineProperty(String.prototype, 'has', {
    value(this: string, find: unknown) {
      return find instanceof RegExp ? find.test(this) : this.includes(String(find));
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
