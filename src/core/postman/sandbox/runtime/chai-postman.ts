/**
 * chai with Postman's assertions on requests and responses (chai-postman): `pm.response.to.have.status(200)`,
 * `.to.be.ok`, `.to.have.header(…)`, `.to.have.jsonBody(…)`, `.to.have.jsonSchema(…)` and the rest, also through
 * `pm.expect(pm.response)`. Loaded with the first assertion.
 */
import { isRequestObject, isResponseObject } from './brands.ts';
import { validateJsonSchema } from './json-schema.ts';
import { library } from './libraries.ts';

interface Assertion {
  _obj: unknown;
  assert(
    passed: unknown,
    message: string,
    negatedMessage: string,
    expected?: unknown,
    actual?: unknown,
  ): void;
}
type AssertionFn = (this: Assertion, ...args: never[]) => void;
interface Chai {
  Assertion: {
    new (target: unknown): Record<string, unknown>;
    addProperty(name: string, getter: (this: Assertion) => void): void;
    addMethod(name: string, method: AssertionFn): void;
    addChainableMethod(name: string, method: AssertionFn, chaining: (this: Assertion) => void): void;
  };
  expect(target: unknown): Record<string, unknown>;
  util: { flag(assertion: Assertion, key: string, value?: unknown): unknown };
  use(plugin: (chai: Chai) => void): void;
}
interface ResponseLike {
  code: number;
  reason(): string;
  text(): string;
  json(): unknown;
  responseTime: number;
  size(): { body: number; header: number };
  headers: { has(key: unknown): boolean; one(key: unknown): { value?: unknown } | undefined };
}
interface Lodash {
  has(object: unknown, path: string): boolean;
  get(object: unknown, path: string): unknown;
  isEqual(a: unknown, b: unknown): boolean;
  isPlainObject(value: unknown): boolean;
}

let chaiInstance: Chai | undefined;

export function chai(): Chai {
  if (!chaiInstance) {
    chaiInstance = library('chai') as Chai;
    chaiInstance.use(installPostmanAssertions);
  }
  return chaiInstance;
}

/** `pm.response.to` / `pm.request.to`: fresh assertion chains on each access, so no flag leaks between uses. */
export function assertionsFor(target: object): unknown {
  const chain = (negate: boolean, word: string) => () => {
    const to = chai().expect(target).to as Record<string, unknown>;
    return negate ? (to.not as Record<string, unknown>)[word] : to[word];
  };
  const words = ['be', 'have', 'include', 'not'];
  const to: Record<string, unknown> = {};
  const not: Record<string, unknown> = {};
  for (const word of words) {
    if (word !== 'not') Object.defineProperty(not, word, { get: chain(true, word), enumerable: true });
    Object.defineProperty(to, word, {
      get: word === 'not' ? () => not : chain(false, word),
      enumerable: true,
    });
  }
  return to;
}

const STATUS_CLASSES: Record<string, number> = {
  info: 1,
  success: 2,
  redirection: 3,
  clientError: 4,
  serverError: 5,
};
const STATUS_CODES: Record<string, number> = {
  accepted: 202,
  withoutContent: 204,
  badRequest: 400,
  unauthorised: 401,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  notAcceptable: 406,
  rateLimited: 429,
};

function installPostmanAssertions(chai: Chai): void {
  const { Assertion } = chai;
  const lodash = () => library('lodash') as Lodash;
  /** Preconditions are checked on a fresh assertion, so that `.not` negates only the assertion itself. */
  const precondition = (target: unknown, property: string) => {
    const chain = new Assertion(target).to as Record<string, Record<string, unknown>>;
    return chain.be?.[property];
  };
  const response = (assertion: Assertion): ResponseLike => {
    precondition(assertion._obj, 'postmanResponse');
    return assertion._obj as ResponseLike;
  };
  const parseBody = (res: ResponseLike): { json?: unknown; error?: string } => {
    try {
      return { json: res.json() };
    } catch (error) {
      const { name, message } = error as Error;
      return { error: name === 'JSONError' ? String(message).split('\n')[0] : `${name}: ${message}` };
    }
  };

  Assertion.addProperty('postmanRequest', function () {
    this.assert(
      isRequestObject(this._obj),
      'expecting a postman request object but got #{this}',
      'not expecting a postman request object',
    );
  });
  Assertion.addProperty('postmanResponse', function () {
    this.assert(
      isResponseObject(this._obj),
      'expecting a postman response object but got #{this}',
      'not expecting a postman response object',
    );
  });
  Assertion.addProperty('postmanRequestOrResponse', function () {
    this.assert(
      isRequestObject(this._obj) || isResponseObject(this._obj),
      'expecting a postman request or response object but got #{this}',
      'not expecting a postman request or response object',
    );
  });

  const assertClass = (assertion: Assertion, expected: number) => {
    const { code } = response(assertion);
    assertion.assert(
      Math.floor(code / 100) === expected,
      'expected response code to be #{exp}XX but found #{act}',
      'expected response code to not be #{exp}XX',
      expected,
      code,
    );
  };
  Assertion.addMethod('statusCodeClass', function (classCode: number) {
    assertClass(this, Number(classCode));
  });
  for (const [name, classCode] of Object.entries(STATUS_CLASSES)) {
    Assertion.addProperty(name, function () {
      assertClass(this, classCode);
    });
  }
  Assertion.addProperty('error', function () {
    const { code } = response(this);
    const statusClass = Math.floor(code / 100);
    this.assert(
      statusClass === 4 || statusClass === 5,
      'expected response code to be 4XX or 5XX but found #{act}',
      'expected response code to not be 4XX or 5XX',
      null,
      code,
    );
  });

  const assertCode = (assertion: Assertion, expected: number) => {
    const { code } = response(assertion);
    assertion.assert(
      code === expected,
      'expected response to have status code #{exp} but got #{act}',
      'expected response to not have status code #{act}',
      expected,
      code,
    );
  };
  const assertReason = (assertion: Assertion, expected: string) => {
    const reason = response(assertion).reason();
    assertion.assert(
      reason === expected,
      'expected response to have status reason #{exp} but got #{act}',
      'expected response to not have status reason #{act}',
      expected,
      reason,
    );
  };
  for (const [name, code] of Object.entries(STATUS_CODES)) {
    Assertion.addProperty(name, function () {
      assertCode(this, code);
    });
  }
  Assertion.addProperty('ok', function () {
    if (!isResponseObject(this._obj)) {
      this.assert(
        chai.util.flag(this, 'object'),
        'expected #{this} to be truthy',
        'expected #{this} to be falsy',
      );
      return;
    }
    assertCode(this, 200);
  });
  Assertion.addMethod('statusCode', function (code: number) {
    assertCode(this, Number(code));
  });
  Assertion.addMethod('statusReason', function (reason: string) {
    assertReason(this, String(reason));
  });
  Assertion.addMethod('status', function (codeOrReason: number | string) {
    if (typeof codeOrReason === 'number') assertCode(this, codeOrReason);
    else assertReason(this, String(codeOrReason));
  });

  Assertion.addMethod('header', function (...args: [unknown, unknown?]) {
    const [key, value] = args;
    const target = this._obj as ResponseLike;
    precondition(target, 'postmanRequestOrResponse');
    const kind = isRequestObject(target) ? 'request' : 'response';
    this.assert(
      target.headers.has(key),
      `expected ${kind} to have header with key #{exp}`,
      `expected ${kind} to not have header with key #{exp}`,
      key,
    );
    if (args.length < 2) return;
    const actual = target.headers.one(key)?.value;
    this.assert(
      actual === value,
      `expected '${String(key)}' ${kind} header to be #{exp} but got #{act}`,
      `expected '${String(key)}' ${kind} header to not be #{act}`,
      value,
      actual,
    );
  });

  Assertion.addProperty('withBody', function () {
    const text = response(this).text();
    this.assert(
      typeof text === 'string' && text.length > 0,
      'expected response to have content in body',
      'expected response to not have content in body',
    );
  });
  Assertion.addProperty('json', function () {
    const { error } = parseBody(response(this));
    this.assert(
      error === undefined,
      `expected response body to be a valid json but got error ${error}`,
      'expected response body not to be a valid json',
    );
  });
  Assertion.addMethod('body', function (...args: [unknown?]) {
    const res = response(this);
    const [content] = args;
    if (lodash().isPlainObject(content)) {
      const { json } = parseBody(res);
      this.assert(
        lodash().isEqual(json, content),
        'expected response body json to equal #{exp} but got #{act}',
        'expected response body json to not equal #{exp} but got #{act}',
        content,
        json,
      );
      return;
    }
    const text = res.text();
    if (args.length === 0) {
      this.assert(
        text.length > 0,
        'expected response to have content in body',
        'expected response to not have content in body',
      );
    } else if (content instanceof RegExp) {
      this.assert(
        content.exec(text) !== null,
        'expected response body text to match #{exp} but got #{act}',
        'expected response body text #{act} to not match #{exp}',
        content,
        text,
      );
    } else {
      this.assert(
        text === content,
        'expected response body to equal #{exp} but got #{act}',
        'expected response body to not equal #{exp}',
        content,
        text,
      );
    }
  });
  Assertion.addMethod('jsonBody', function (...args: [unknown?, unknown?]) {
    const { json, error } = parseBody(response(this));
    const [path, value] = args;
    if (args.length === 0) {
      this.assert(
        error === undefined,
        `expected response body to be a valid json but got error ${error}`,
        'expected response body not to be a valid json',
      );
      return;
    }
    if (lodash().isPlainObject(path)) {
      this.assert(
        lodash().isEqual(json, path),
        'expected response body json to equal #{exp} but got #{act}',
        'expected response body json to not equal #{exp}',
        path,
        json,
      );
      return;
    }
    const key = String(path);
    this.assert(
      lodash().has(json, key),
      'expected #{act} in response to contain property #{exp}',
      'expected #{act} in response to not contain property #{exp}',
      key,
      json,
    );
    if (args.length < 2) return;
    const actual = lodash().get(json, key);
    this.assert(
      lodash().isEqual(actual, value),
      `expected response body json at "${key}" to contain #{exp} but got #{act}`,
      `expected response body json at "${key}" to not contain #{exp} but got #{act}`,
      value,
      actual,
    );
  });
  Assertion.addMethod('jsonSchema', function (schema: unknown) {
    const data = isResponseObject(this._obj) ? parseBody(this._obj as ResponseLike).json : this._obj;
    const { valid, errors } = validateJsonSchema(schema, data);
    this.assert(
      valid,
      `expected data to satisfy schema but found following errors: \n${errors}`,
      'expected data to not satisfy schema',
      schema,
      data,
    );
  });

  const measured = (name: string, read: (res: ResponseLike) => number) => {
    Assertion.addChainableMethod(
      name,
      function (...args: [unknown?]) {
        const measuredValue = chai.util.flag(this, 'number');
        this.assert(
          typeof measuredValue === 'number',
          `expected response to have a valid ${name} but got #{act}`,
          `expected response to not have a valid ${name}`,
          null,
          measuredValue,
        );
        if (args.length) {
          this.assert(
            lodash().isEqual(measuredValue, args[0]),
            `expected ${name} to equal #{exp} but got #{act}`,
            `expected ${name} to not equal #{exp}`,
            args[0],
            measuredValue,
          );
        }
      },
      function () {
        const value = read(response(this));
        chai.util.flag(this, 'number', value);
        chai.util.flag(this, 'object', value);
      },
    );
  };
  measured('responseTime', (res) => res.responseTime);
  measured('responseSize', (res) => {
    const size = res.size();
    return (size.header || 0) + (size.body || 0);
  });
}
