import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIV2 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFunctions } from '../dev/loadFunctions';

const CONNECTOR = path.resolve(__dirname, '../connector');
const DEFINITION = path.join(CONNECTOR, 'apiDefinition.swagger.json');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

interface Operation {
  readonly key: string;
  readonly operation: OpenAPIV2.OperationObject;
}

/** Every operation of a (dereferenced) definition, keyed `METHOD /path operationId` as the registered functions are. */
function operationsOf(api: OpenAPIV2.Document): Operation[] {
  return Object.entries(api.paths).flatMap(([route, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ key: `${method.toUpperCase()} ${route} ${operation.operationId}`, operation }] : [];
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

  it('describes exactly the registered HTTP functions: methods, routes and names', async () => {
    const declared = (await loadFunctions()).flatMap((d) =>
      d.kind === 'http' ? d.methods.map((method) => `${method.toUpperCase()} /${d.route} ${d.name}`) : [],
    );
    expect(operationsOf(api).map((o) => o.key).sort()).toEqual([...declared].sort());
  });

  it('serves them under /api over HTTPS, with the function key in x-functions-key', () => {
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
      (operation.parameters ?? []).map((parameter) => ({ key, parameter: parameter as OpenAPIV2.Parameter & Record<string, unknown> })),
    );
    expect(parameters.length).toBeGreaterThan(0);
    for (const { key, parameter } of parameters) expect(parameter['x-ms-summary'], `${key} ${parameter.name}`).toMatch(/\S/);
  });

  it('answers errors in Graph\'s shape and throttling with Retry-After', () => {
    for (const { key, operation } of operationsOf(api)) {
      for (const status of ['400', '403', '404', '429', '503']) {
        const response = operation.responses[status] as OpenAPIV2.ResponseObject | undefined;
        expect(response?.schema, `${key} ${status}`).toMatchObject({
          properties: { error: { properties: { code: {}, message: {}, innerError: { properties: { 'request-id': {}, date: {} } } } } },
        });
      }
      for (const status of ['429', '503']) {
        expect((operation.responses[status] as OpenAPIV2.ResponseObject).headers, `${key} ${status}`).toHaveProperty('Retry-After');
      }
    }
  });

  it('describes createSession as the contract does: body, headers, 201 session and 202 with Location', () => {
    const create = operationsOf(api).find((o) => o.operation.operationId === 'createSession')?.operation;
    const parameters = (create?.parameters ?? []) as Array<OpenAPIV2.Parameter & Record<string, unknown>>;
    const byName = (name: string) => parameters.find((p) => p.name.toLowerCase() === name.toLowerCase());
    expect(byName('body')?.schema).toMatchObject({ properties: { persistChanges: { type: 'boolean' } } });
    expect(byName('Idempotency-Key')).toMatchObject({ in: 'header', 'x-ms-visibility': 'advanced' });
    expect(byName('x-session-idle-timeout')).toMatchObject({ in: 'header', type: 'integer', 'x-ms-visibility': 'advanced' });
    expect((create?.responses['201'] as OpenAPIV2.ResponseObject).schema).toMatchObject({
      properties: { id: { type: 'string' }, persistChanges: { type: 'boolean' } },
    });
    expect(Object.keys((create?.responses['202'] as OpenAPIV2.ResponseObject).headers ?? {}).sort()).toEqual(['Location', 'Retry-After']);
  });

  it.each(['refreshSession', 'closeSession'])('requires the workbook-session-id header on %s and answers 204', (name) => {
    const operation = operationsOf(api).find((o) => o.operation.operationId === name)?.operation;
    expect(operation?.parameters).toContainEqual(expect.objectContaining({ name: 'workbook-session-id', in: 'header', required: true }));
    expect(operation?.responses['204']).toBeDefined();
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
