/**
 * The suite format, version 1 — the single source of truth.
 *
 * The parser validates documents with these schemas, the TypeScript types are inferred from them, and
 * `schema/suite-v1.json` (for editors) is generated from them by `npm run schema`. Objects are strict:
 * an unknown key is an error, never silently ignored.
 */
import { z } from 'zod';

const jsonValue: z.ZodType<unknown> = z.unknown();

/** Milliseconds, a whole number. */
const millis = z.int().min(0).max(86_400_000);

export const VALUE_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;

/** Matcher keywords; an object of these is a matcher, any other value is shorthand for `equals`. */
export const MATCHER_KEYS = [
  'equals',
  'notEquals',
  'lt',
  'lte',
  'gt',
  'gte',
  'contains',
  'notContains',
  'matches',
  'exists',
  'type',
  'length',
  'in',
] as const;

const comparable = z.union([z.number(), z.string()]);

export interface MatcherObject {
  equals?: unknown;
  notEquals?: unknown;
  lt?: number | string;
  lte?: number | string;
  gt?: number | string;
  gte?: number | string;
  contains?: unknown;
  notContains?: unknown;
  matches?: string;
  exists?: boolean;
  type?: (typeof VALUE_TYPES)[number];
  length?: number | MatcherObject;
  in?: unknown[];
}

export const matcherObjectSchema: z.ZodType<MatcherObject> = z.lazy(() =>
  z
    .strictObject({
      equals: jsonValue.optional(),
      notEquals: jsonValue.optional(),
      lt: comparable.optional(),
      lte: comparable.optional(),
      gt: comparable.optional(),
      gte: comparable.optional(),
      contains: jsonValue.optional(),
      notContains: jsonValue.optional(),
      matches: z.string().describe('A regular expression (JavaScript syntax), or /pattern/flags.').optional(),
      exists: z.boolean().optional(),
      type: z.enum(VALUE_TYPES).optional(),
      length: z.union([z.int().min(0), matcherObjectSchema]).optional(),
      in: z.array(jsonValue).optional(),
    })
    .refine((m) => Object.keys(m).length > 0, {
      message: 'a matcher needs at least one of: ' + MATCHER_KEYS.join(', '),
    }),
);

/**
 * A matcher, or a bare value meaning `equals`. An object is always read as a matcher object: to compare
 * against an object literal, write `{ equals: { … } }`.
 */
export const matcherSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(jsonValue),
  matcherObjectSchema,
]);
export type Matcher = z.infer<typeof matcherSchema>;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('basic'), username: z.string(), password: z.string() }),
  z.strictObject({ type: z.literal('bearer'), token: z.string() }),
  z.strictObject({
    type: z.literal('apiKey'),
    name: z.string().min(1).describe('Header or query parameter name.'),
    value: z.string(),
    in: z.enum(['header', 'query']).default('header'),
  }),
  z.strictObject({
    type: z.literal('oauth2'),
    grant: z.literal('client_credentials').default('client_credentials'),
    tokenUrl: z.string().min(1),
    clientId: z.string(),
    clientSecret: z.string(),
    scope: z.string().optional(),
    audience: z.string().optional(),
    /** Send the client credentials as HTTP Basic (default) or in the form body. */
    clientAuth: z.enum(['basic', 'body']).default('basic'),
  }),
]);
export type Auth = z.infer<typeof authSchema>;

export const multipartPartSchema = z.union([
  scalar,
  z.strictObject({
    file: z.string().min(1).describe('Path relative to the suite file.'),
    filename: z.string().optional(),
    contentType: z.string().optional(),
  }),
  z.strictObject({ value: z.string(), contentType: z.string().optional() }),
]);

export const requestSchema = z
  .strictObject({
    method: z.enum(HTTP_METHODS).default('GET'),
    url: z.string().min(1),
    query: z.record(z.string(), z.union([scalar, z.array(scalar)])).optional(),
    headers: z.record(z.string(), scalar).optional(),
    json: jsonValue.optional(),
    form: z.record(z.string(), z.union([scalar, z.array(scalar)])).optional(),
    multipart: z.record(z.string(), multipartPartSchema).optional(),
    body: z.string().optional(),
    auth: authSchema.optional(),
    timeout: millis.optional().describe('Per-request timeout in ms.'),
    followRedirects: z.boolean().optional(),
    maxRedirects: z.int().min(0).max(50).optional(),
  })
  .refine(
    (r) =>
      ['json', 'form', 'multipart', 'body'].filter((k) => k in r && r[k as keyof typeof r] !== undefined)
        .length <= 1,
    {
      message: 'a request has at most one body: json, form, multipart or body',
    },
  );
export type RequestSpec = z.infer<typeof requestSchema>;

export const captureSchema = z.union([
  z.string().describe('A JSONPath: shorthand for { json: "$…" }.'),
  z.strictObject({ json: z.string() }),
  z.strictObject({ header: z.string() }),
  z.strictObject({
    regex: z.string().describe('Applied to the body; the first group (or the whole match).'),
  }),
  z.strictObject({ status: z.literal(true) }),
  z.strictObject({ cookie: z.string() }),
]);
export type Capture = z.infer<typeof captureSchema>;

const statusCode = z.int().min(100).max(599);
const statusClass = z.string().regex(/^[1-5]xx$/, 'a status class like "2xx"');
export const statusExpectationSchema = z.union([
  statusCode,
  statusClass,
  z.array(z.union([statusCode, statusClass])).min(1),
]);

export const expectSchema = z.strictObject({
  status: statusExpectationSchema.optional(),
  headers: z.record(z.string(), matcherSchema).optional(),
  json: z.record(z.string(), matcherSchema).optional(),
  body: matcherSchema.optional(),
  schema: z
    .record(z.string(), jsonValue)
    .describe('A JSON Schema (draft 2020-12) for the JSON body.')
    .optional(),
  latency: matcherSchema.optional().describe('Total time in ms.'),
  size: matcherSchema.optional().describe('Response body size in bytes (decoded).'),
});
export type Expect = z.infer<typeof expectSchema>;

export const retrySchema = z.strictObject({
  count: z.int().min(0).max(100),
  delayMs: millis.default(0),
});

export const stepSchema = z.strictObject({
  name: z.string().min(1),
  request: requestSchema,
  capture: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name'), captureSchema)
    .optional(),
  expect: expectSchema.optional(),
  retry: retrySchema.optional(),
  skip: z
    .union([z.boolean(), z.string()])
    .optional()
    .describe('Skip when true, or when the template renders truthy.'),
});
export type Step = z.infer<typeof stepSchema>;

export const defaultsSchema = z.strictObject({
  timeout: millis.optional(),
  headers: z.record(z.string(), scalar).optional(),
  auth: authSchema.optional(),
  followRedirects: z.boolean().optional(),
  maxRedirects: z.int().min(0).max(50).optional(),
  retry: retrySchema.optional(),
});

export const iterationsSchema = z.union([
  z.array(z.record(z.string(), jsonValue)).min(1),
  z.strictObject({
    file: z
      .string()
      .min(1)
      .describe('A .csv (header row) or .json (array of objects) file, relative to the suite.'),
  }),
]);

export const suiteSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  description: z.string().optional(),
  variables: z.record(z.string(), jsonValue).optional(),
  defaults: defaultsSchema.optional(),
  iterations: iterationsSchema.optional(),
  bail: z.boolean().optional().describe('Stop at the first failed or errored step.'),
  timeout: millis.optional().describe('Whole-run timeout in ms.'),
  steps: z.array(stepSchema).min(1),
});
export type Suite = z.infer<typeof suiteSchema>;
