/**
 * The libraries Postman scripts `require` (postman-sandbox's list) and the globals it exposes for them.
 * Each is bundled into the runtime but evaluated only when a script first uses it: boot stays fast and
 * a run that never touches ajv or cheerio never pays for them.
 */

type Loader = () => unknown;

const LOADERS: Record<string, Loader> = {
  lodash: () => require('lodash'),
  moment: () => require('moment'),
  'crypto-js': () => require('crypto-js'),
  uuid: () => uuidModule(),
  ajv: () => require('ajv'),
  tv4: () => require('tv4'),
  xml2js: () => require('xml2js'),
  cheerio: () => require('cheerio/slim'),
  'csv-parse/lib/sync': () => legacyCsvParse(),
  'csv-parse/sync': () => require('csv-parse/sync'),
  chai: () => require('chai'),
  buffer: () => require('buffer'),
  events: () => require('events'),
  atob: () => globalThis.atob,
  btoa: () => globalThis.btoa,
};

const loaded = new Map<string, unknown>();

export function library(name: string): unknown {
  if (loaded.has(name)) return loaded.get(name);
  const loader = LOADERS[name];
  if (!loader) throw new Error(`sandbox runtime: unknown library ${name}`);
  const value = loader();
  loaded.set(name, value);
  return value;
}

/** `require` inside scripts: only the bundled libraries exist; anything else fails as Node would. */
export function sandboxRequire(name: unknown): unknown {
  const id = String(name);
  if (!Object.hasOwn(LOADERS, id)) {
    const error = new Error(`Cannot find module '${id}'`);
    (error as Error & { code: string }).code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return library(id);
}

/** Postman's `uuid` module is callable (a v4 id) and carries the usual generators. */
function uuidModule(): unknown {
  const uuid = require('uuid') as Record<string, unknown> & { v4: () => string };
  const callable = () => uuid.v4();
  return Object.assign(callable, uuid);
}

/** `csv-parse/lib/sync` (csv-parse 4) exported the parse function itself. */
function legacyCsvParse(): unknown {
  const { parse } = require('csv-parse/sync') as { parse: (...args: unknown[]) => unknown };
  const callable = (...args: unknown[]) => parse(...args);
  return Object.assign(callable, { parse });
}

/** xml2js with the options of Postman's legacy `xml2Json`. */
export function xml2Json(text: unknown): unknown {
  const xml2js = library('xml2js') as {
    parseString(text: string, options: object, callback: (error: unknown, result: unknown) => void): void;
  };
  let result: unknown = {};
  xml2js.parseString(
    String(text),
    { explicitArray: false, async: false, trim: true, mergeAttrs: false },
    (_error, parsed) => {
      result = parsed;
    },
  );
  return result;
}

/** Library globals of Postman's sandbox, defined once as lazy accessors that scripts may overwrite. */
export function defineLibraryGlobals(): void {
  const globals: Record<string, () => unknown> = {
    _: () => library('lodash'),
    moment: () => library('moment'),
    CryptoJS: () => library('crypto-js'),
    tv4: () => library('tv4'),
    cheerio: () => library('cheerio'),
    xml2Json: () => xml2Json,
  };
  for (const [name, get] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get,
      set(value: unknown) {
        Object.defineProperty(globalThis, name, {
          value,
          writable: true,
          configurable: true,
          enumerable: false,
        });
      },
    });
  }
}
