/**
 * Secret masking: every secret value (and what derives from it) is replaced by `***` in whatever a run
 * records — requests, responses, messages, captures. A secret can reach the output encoded, so each is
 * registered with its JSON-escaped, URI-encoded and form-encoded spellings too. Longer strings are
 * replaced first, so that a secret containing another is masked whole.
 *
 * Masking is one pass: a secret made of `*` characters cannot be told apart from the mask itself.
 */
export interface SecretMasker {
  /** Registers a secret value; empty strings are ignored. */
  add(value: string): void;
  mask(text: string): string;
  /** Masks strings (and object keys) at any depth; returns the input itself when nothing changed. */
  maskDeep<T>(value: T): T;
  /** Number of distinct secret values registered. */
  readonly size: number;
}

export const MASK = '***';

export function createMasker(): SecretMasker {
  const secrets = new Set<string>();
  const forms = new Set<string>();
  let pattern: RegExp | undefined;

  function mask(text: string): string {
    if (forms.size === 0 || text.length === 0) return text;
    pattern ??= new RegExp(
      [...forms]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegex)
        .join('|'),
      'g',
    );
    return text.replace(pattern, MASK);
  }

  function maskDeep<T>(value: T, depth = 0): T {
    if (typeof value === 'string') return mask(value) as T;
    if (forms.size === 0 || value === null || typeof value !== 'object' || depth > 100) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const masked = maskDeep(item, depth + 1);
        if (masked !== item) {
          copy ??= value.slice();
          copy[i] = masked;
        }
      });
      return (copy ?? value) as T;
    }
    if (!isPlainObject(value)) return value;
    let changed = false;
    const entries = Object.entries(value).map(([key, item]) => {
      const maskedKey = mask(key);
      const masked = maskDeep(item, depth + 1);
      if (maskedKey !== key || masked !== item) changed = true;
      return [maskedKey, masked] as const;
    });
    return (changed ? Object.fromEntries(entries) : value) as T;
  }

  return {
    add(value) {
      if (value === '' || secrets.has(value)) return;
      secrets.add(value);
      for (const form of encodings(value)) if (form !== '') forms.add(form);
      pattern = undefined;
    },
    mask,
    maskDeep: (value) => maskDeep(value),
    get size() {
      return secrets.size;
    },
  };
}

function encodings(value: string): string[] {
  const forms = [value, JSON.stringify(value).slice(1, -1)];
  // Lone surrogates make the URI encoders throw; such a value cannot appear in a URL anyway.
  try {
    forms.push(encodeURIComponent(value), encodeURI(value));
  } catch {}
  forms.push(new URLSearchParams({ v: value }).toString().slice(2));
  return forms;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
