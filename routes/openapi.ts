import type { Router } from 'express';
import { z } from 'zod';
import type { ApiDoc } from './api-doc';
import { errorSchema } from './response-schemas';

/**
 * The OpenAPI 3.1 description of the API, built from the routers
 * themselves: every route they hold, with the description its `doc()`
 * handler gives — the zod schemas the route validates its query and body
 * with, turned into JSON Schema (2020-12, which OpenAPI 3.1 uses) by zod.
 * A route without a `doc()` is listed with `x-undocumented: true` (and
 * test/integration/openapi.test.ts fails on it).
 */

type Json = Record<string, unknown>;

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: { handle: { apiDoc?: ApiDoc } }[] };
}

/** Every route of the routers: method, Express path and its description (if any). */
export function routesOf(routers: Router[]): { method: string; path: string; doc: ApiDoc | undefined }[] {
  const found: { method: string; path: string; doc: ApiDoc | undefined }[] = [];
  for (const router of routers) {
    for (const layer of router.stack as RouteLayer[]) {
      if (!layer.route) continue;
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const doc = layer.route.stack.map((l) => l.handle.apiDoc).find((d) => d !== undefined);
      for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
        for (const path of paths) found.push({ method, path, doc });
      }
    }
  }
  return found;
}

/** A zod schema as JSON Schema for the document (without the `$schema` line OpenAPI does not take). */
export const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

/** `/api/tracks/:id` → `/api/tracks/{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function parameters(path: string, doc: ApiDoc | undefined): Json[] {
  const inPath = [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: /id$/i.test(name!) && name !== 'slugOrId' ? { type: 'integer', minimum: 1 } : { type: 'string' },
  }));
  const query = doc?.query ? jsonSchema(doc.query, 'input') : undefined;
  const properties = (query?.properties ?? {}) as Record<string, Json>;
  const required = new Set((query?.required ?? []) as string[]);
  const inQuery = Object.entries(properties).map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema }));
  return [...inPath, ...inQuery];
}

function requestBody(doc: ApiDoc | undefined): Json | undefined {
  if (doc?.upload) {
    const schema = {
      type: 'object',
      properties: { [doc.upload.field]: { type: 'string', format: 'binary' } },
      required: [doc.upload.field],
    };
    return { required: true, content: { 'multipart/form-data': { schema } } };
  }
  if (doc?.body) return { required: true, content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } } };
  return undefined;
}

function success(doc: ApiDoc | undefined): Json {
  const status = String(doc?.response?.status ?? 200);
  if (status === '204') return { [status]: { description: 'Done; no content.' } };
  const content = doc?.response?.schema
    ? { 'application/json': { schema: jsonSchema(doc.response.schema, 'output') } }
    : doc?.response?.contentType
      ? { [doc.response.contentType]: { schema: { type: 'string' } } }
      : { 'application/json': { schema: { type: 'object' } } };
  return { [status]: { description: 'Success.', content } };
}

/** The document served at /api/openapi.json. */
export function openApiDocument(routers: Router[], info: { version: string; origin: string; sessionCookie: string }): Json {
  const paths: Record<string, Json> = {};
  for (const { method, path, doc } of routesOf(routers)) {
    const operation: Json = {
      operationId: `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
      summary: doc?.summary ?? path,
      description: doc ? `Who may call it: ${doc.access}.` : undefined,
      tags: [path.split('/')[path.startsWith('/api/') ? 2 : 1] ?? 'store'],
      parameters: parameters(path, doc),
      requestBody: requestBody(doc),
      responses: { ...success(doc), '4XX': { $ref: '#/components/responses/Error' }, '5XX': { $ref: '#/components/responses/Error' } },
      security: doc?.access === 'anyone' ? [] : [{ session: [] }],
      ...(doc ? {} : { 'x-undocumented': true }),
    };
    paths[openApiPath(path)] = { ...paths[openApiPath(path)], [method]: JSON.parse(JSON.stringify(operation)) as Json };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Song-Nexus API',
      version: info.version,
      description:
        'The store’s HTTP API. Requests that change state must come from the store’s own origin (Origin header). ' +
        'Errors are `{ error: { code, message, details? } }` with the status and code listed in the README.',
    },
    servers: [{ url: info.origin }],
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: info.sessionCookie, description: 'The session a sign-in sets.' } },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      responses: {
        Error: {
          description: 'An error, with a stable code.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
