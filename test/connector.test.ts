import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIV2 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFunctions } from '../dev/loadFunctions';
import { matchRoute } from '../dev/routeTemplate';

const CONNECTOR = path.resolve(__dirname, '../connector');
const DEFINITION = path.join(CONNECTOR, 'apiDefinition.swagger.json');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

interface Operation {
  readonly key: string;
  readonly method: string;
  readonly route: string;
  readonly operation: OpenAPIV2.OperationObject;
}

/** Every operation of a (dereferenced) definition, keyed `METHOD /path operationId`. */
function operationsOf(api: OpenAPIV2.Document): Operation[] {
  return Object.entries(api.paths).flatMap(([route, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      const verb = method.toUpperCase();
      return operation ? [{ key: `${verb} ${route} ${operation.operationId}`, method: verb, route, operation }] : [];
    }),
  );
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

let api: OpenAPIV2.Document;
beforeAll(async () => {
  // dereference() resolves the shared parameters and responses, so every check below sees them in place.
  api = (await SwaggerParser.dereference(readJson(DEFINITION) as OpenAPIV2.Document)) as OpenAPIV2.Document;
});

describe('the Power Automate custom connector', () => {
  it('is a valid Swagger 2.0 document, the only version Power Platform imports', async () => {
    const raw = readJson(DEFINITION) as OpenAPIV2.Document;
    expect(raw.swagger).toBe('2.0');
    await expect(SwaggerParser.validate(raw)).resolves.toBeDefined();
  });

  // The definition may offer several actions on one function (workbookRequest's catch-all serves every workbook
  // action), so the rule is coverage both ways, resolved as the host resolves routes: in its order, by function name.
  it('sends every operation to a registered HTTP function, as the host picks it, and reaches every such function', async () => {
    const functions = (await loadFunctions()).flatMap((d) => (d.kind === 'http' ? [d] : []));
    const servedBy = (method: string, route: string) =>
      functions.find(
        (f) =>
          f.methods.some((m) => m === method) &&
          matchRoute(f.route, route.replace(/\{\w+\}/g, 'sample').slice(1)) !== undefined,
      );
    const served = operationsOf(api).map(({ key, method, route, operation }) => ({
      key,
      operation,
      by: servedBy(method, route)?.name,
    }));
    for (const { key, by } of served) expect(by, key).toBeDefined();
    // An action named after a function is that function, not a catch-all that happens to match its path.
    for (const { key, operation, by } of served) {
      if (functions.some((f) => f.name === operation.operationId)) expect(by, key).toBe(operation.operationId);
    }
    expect(functions.map((f) => f.name).filter((name) => !served.some((s) => s.by === name))).toEqual([]);
  });

  it('names every operation uniquely', () => {
    const ids = operationsOf(api).map((o) => o.operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is served under /api over HTTPS, with the function key in x-functions-key', () => {
    expect(api).toMatchObject({ basePath: '/api', schemes: ['https'] });
    const schemes = Object.values(api.securityDefinitions ?? {});
    expect(schemes).toEqual([expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-functions-key' })]);
    expect(api.security).toEqual([{ [Object.keys(api.securityDefinitions ?? {})[0] as string]: [] }]);
  });

  it('gives every operation a summary and a description', () => {
    for (const { key, operation } of operationsOf(api)) {
      expect(operation.summary, key).toMatch(/\S/);
      expect(operation.description, key).toMatch(/\S/);
      expect(operation.description, key).not.toBe(operation.summary);
    }
  });

  it('gives every parameter an x-ms-summary', () => {
    const parameters = operationsOf(api).flatMap(({ key, operation }) =>
      (operation.parameters ?? []).map((parameter) => ({
        key,
        parameter: parameter as OpenAPIV2.Parameter & Record<string, unknown>,
      })),
    );
    expect(parameters.length).toBeGreaterThan(0);
    for (const { key, parameter } of parameters)
      expect(parameter['x-ms-summary'], `${key} ${parameter.name}`).toMatch(/\S/);
  });

  it("answers errors in Graph's shape and throttling with Retry-After", () => {
    for (const { key, operation } of operationsOf(api)) {
      for (const status of ['400', '403', '404', '429', '503']) {
        const response = operation.responses[status] as OpenAPIV2.ResponseObject | undefined;
        expect(response?.schema, `${key} ${status}`).toMatchObject({
          properties: {
            error: {
              properties: { code: {}, message: {}, innerError: { properties: { 'request-id': {}, date: {} } } },
            },
          },
        });
      }
      for (const status of ['429', '503']) {
        expect((operation.responses[status] as OpenAPIV2.ResponseObject).headers, `${key} ${status}`).toHaveProperty(
          'Retry-After',
        );
      }
    }
  });

  it('describes createSession as the contract does: body, headers, 201 session and 202 with Location', () => {
    const create = operationsOf(api).find((o) => o.operation.operationId === 'createSession')?.operation;
    const parameters = (create?.parameters ?? []) as Array<OpenAPIV2.Parameter & Record<string, unknown>>;
    const byName = (name: string) => parameters.find((p) => p.name.toLowerCase() === name.toLowerCase());
    expect(byName('body')?.schema).toMatchObject({ properties: { persistChanges: { type: 'boolean' } } });
    expect(byName('Idempotency-Key')).toMatchObject({ in: 'header', 'x-ms-visibility': 'advanced' });
    expect(byName('x-session-idle-timeout')).toMatchObject({
      in: 'header',
      type: 'integer',
      'x-ms-visibility': 'advanced',
    });
    expect((create?.responses['201'] as OpenAPIV2.ResponseObject).schema).toMatchObject({
      properties: { id: { type: 'string' }, persistChanges: { type: 'boolean' } },
    });
    expect(Object.keys((create?.responses['202'] as OpenAPIV2.ResponseObject).headers ?? {}).sort()).toEqual([
      'Location',
      'Retry-After',
    ]);
  });

  it.each(['refreshSession', 'closeSession'])(
    'requires the workbook-session-id header on %s and answers 204',
    (name) => {
      const operation = operationsOf(api).find((o) => o.operation.operationId === name)?.operation;
      expect(operation?.parameters).toContainEqual(
        expect.objectContaining({ name: 'workbook-session-id', in: 'header', required: true }),
      );
      expect(operation?.responses['204']).toBeDefined();
    },
  );

  const WORKBOOK_ACTIONS = [
    'listWorksheets',
    'getRange',
    'updateRange',
    'getUsedRange',
    'listTables',
    'listTableRows',
    'addTableRows',
  ];
  const parametersOf = (id: string) =>
    (operationsOf(api).find((o) => o.operation.operationId === id)?.operation.parameters ?? []) as Array<
      OpenAPIV2.Parameter & Record<string, unknown>
    >;

  it.each([...WORKBOOK_ACTIONS, 'getWorkbookPath', 'postWorkbookPath'])(
    'works in a session: %s requires the workbook-session-id header',
    (id) => {
      expect(parametersOf(id)).toContainEqual(
        expect.objectContaining({ name: 'workbook-session-id', in: 'header', required: true }),
      );
    },
  );

  // Power Automate encodes each path value itself; the broker forwards the path as it came and Graph decodes it once.
  // Double encoding would leave Graph a literal %XX. Absent, the platform's default is single; written out anyway.
  it('encodes every path parameter once', () => {
    const pathParameters = operationsOf(api).flatMap(({ operation }) =>
      (operation.parameters as Array<OpenAPIV2.Parameter & Record<string, unknown>>).filter((p) => p.in === 'path'),
    );
    expect(pathParameters.length).toBeGreaterThan(0);
    for (const parameter of pathParameters) expect(parameter['x-ms-url-encoding'], parameter.name).toBe('single');
  });

  it('fills every picker from a listing action of the same connector, with parameters both actions have', () => {
    const pickers = operationsOf(api).flatMap(({ key, operation }) =>
      (operation.parameters as Array<OpenAPIV2.Parameter & Record<string, unknown>>).flatMap((parameter) => {
        const dynamic = parameter['x-ms-dynamic-values'] as
          | {
              operationId: string;
              parameters: Record<string, { parameter: string }>;
              'value-collection': string;
              'value-path': string;
              'value-title': string;
            }
          | undefined;
        return dynamic ? [{ key: `${key} ${parameter.name}`, operation, dynamic }] : [];
      }),
    );
    expect(pickers.map((p) => p.dynamic.operationId).sort()).toEqual(
      expect.arrayContaining(['listTables', 'listWorksheets']),
    );
    for (const { key, operation, dynamic } of pickers) {
      const source = parametersOf(dynamic.operationId).map((p) => p.name);
      expect(source.length, key).toBeGreaterThan(0);
      expect(Object.keys(dynamic.parameters).sort(), key).toEqual([...source].sort());
      const here = (operation.parameters as OpenAPIV2.Parameter[]).map((p) => p.name);
      for (const { parameter } of Object.values(dynamic.parameters)) expect(here, key).toContain(parameter);
      expect(dynamic, key).toMatchObject({ 'value-collection': 'value', 'value-path': 'name', 'value-title': 'name' });
    }
  });

  it('offers the writes an Idempotency-Key among the advanced parameters, with the run name as its example', () => {
    for (const id of ['createSession', 'addTableRows', 'postWorkbookPath']) {
      const key = parametersOf(id).find((p) => p.name === 'Idempotency-Key');
      expect(key, id).toMatchObject({ in: 'header', required: false, 'x-ms-visibility': 'advanced' });
      expect(key?.description, id).toContain('@{workflow().run.name}');
    }
  });

  it('keeps the free workbook calls and the operation poll among the advanced actions', () => {
    const advanced = operationsOf(api)
      .filter(({ operation }) => (operation as Record<string, unknown>)['x-ms-visibility'] === 'advanced')
      .map(({ operation }) => operation.operationId)
      .sort();
    expect(advanced).toEqual(['getOperation', 'getWorkbookPath', 'postWorkbookPath']);
  });

  it('asks the connection for the function key that the definition sends', () => {
    const properties = readJson(path.join(CONNECTOR, 'apiProperties.json')) as {
      properties: { connectionParameters: Record<string, { type: string }>; iconBrandColor: string };
    };
    const scheme = Object.keys(api.securityDefinitions ?? {})[0] as string;
    expect(properties.properties.connectionParameters[scheme]).toMatchObject({ type: 'securestring' });
    expect(properties.properties.iconBrandColor).toMatch(/^#[0-9a-f]{6}$/i);
  });
});
