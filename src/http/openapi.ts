/**
 * OpenAPI 3.1 generated from the route declarations — the same zod schemas that validate requests —
 * so the document cannot drift from the behaviour. Checked in at `docs/openapi.json`
 * (`npm run openapi`; a test fails when it is stale) and served at `/api/openapi.json`.
 */
import { z } from 'zod';
import { API_PREFIX } from './api-prefix.ts';
import type { RouteDefinition, RouteGroup } from './route.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status', 'detail', 'code', 'instance', 'request_id'],
  properties: {
    type: { type: 'string', description: 'URI reference of the problem kind.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What went wrong, for a person.' },
    code: { type: 'string', description: 'Stable machine-readable code.' },
    instance: { type: 'string', description: 'The request path.' },
    request_id: { type: 'string', description: 'Echo of X-Request-Id; quote it when reporting a problem.' },
    errors: {
      type: 'array',
      description: 'Validation problems, every one found.',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } },
      },
    },
  },
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** `/suites/:suiteId` → `/api/v1/suites/{suiteId}` */
export function openApiPath(path: string): string {
  return `${API_PREFIX}${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function security(route: RouteDefinition): JsonSchema[] {
  if (route.auth === 'public') return [];
  return route.auth === 'session' ? [{ session: [] }] : [{ session: [] }, { apiKey: [] }];
}

function accessNote(route: RouteDefinition): string {
  if (route.auth === 'public') return 'Public.';
  const role = `Role: ${route.role} or higher.`;
  if (route.auth === 'session') return `${role} Browser session only.`;
  return `${role} API key scope: ${route.scope ?? 'any'}.`;
}

function operation(route: RouteDefinition, tag: string): JsonSchema {
  const responses: JsonSchema = {};
  const success = String(route.status);
  if (route.produces) {
    responses[success] = {
      description: 'Success',
      content: { [route.produces]: { schema: { type: 'string' } } },
    };
  } else if (route.response && route.status !== 204) {
    responses[success] = {
      description: 'Success',
      content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
    };
  } else {
    responses[success] = { description: 'Success, no content' };
  }
  if (route.body || route.query)
    responses['400'] = problemResponse('Validation failed: every problem is listed');
  if (route.auth !== 'public') {
    responses['401'] = problemResponse('Not authenticated');
    responses['403'] = problemResponse('Role, scope or CSRF check failed');
  }
  if (route.params)
    responses['404'] = problemResponse('Not found (also for another organisation’s resource)');
  const op: JsonSchema = {
    operationId: `${route.method}${openApiPath(route.path)
      .replace(API_PREFIX, '')
      .split(/[/{}-]+/)
      .filter(Boolean)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join('')}`,
    tags: [tag],
    summary: route.summary,
    description: [route.description, accessNote(route)].filter(Boolean).join('\n\n'),
    security: security(route),
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    responses,
    'x-assay-auth': route.auth,
  };
  if (route.role) op['x-assay-role'] = route.role;
  if (route.auth === 'any') op['x-assay-scope'] = route.scope ?? null;
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
    };
  }
  return op;
}

export function buildOpenApi(groups: readonly RouteGroup[], info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const group of groups) {
    for (const route of group.routes) {
      const path = openApiPath(route.path);
      paths[path] ??= {};
      const item = paths[path];
      if (item[route.method]) throw new Error(`duplicate route ${route.method.toUpperCase()} ${path}`);
      item[route.method] = operation(route, group.tag);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Assay API',
      version: info.version,
      description:
        'Run API test suites, watch them live, keep their history. Errors are RFC 9457 problem details with a stable `code`; lists are cursor-paginated (`limit`, `cursor` → `next_cursor`).',
    },
    servers: [{ url: '/' }],
    tags: groups.map((group) =>
      group.description ? { name: group.tag, description: group.description } : { name: group.tag },
    ),
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'assay_session',
          description:
            'Browser session from POST /api/v1/auth/login. State-changing requests also need the X-CSRF-Token header.',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'API key (`assay_…`) in `Authorization: Bearer`.',
        },
      },
    },
  };
}

/** The document as checked in at docs/openapi.json: stable key order, two-space indent, final newline. */
export function renderOpenApi(groups: readonly RouteGroup[], info: { version: string }): string {
  return `${JSON.stringify(buildOpenApi(groups, info), null, 2)}\n`;
}
