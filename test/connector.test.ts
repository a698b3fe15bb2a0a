import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIV2 } from 'openapi-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFunctions } from '../dev/loadFunctions';
import { matchRoute } from '../dev/routeTemplate';
import { extensionProblems } from './support/connectorExtensions';

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

interface ParameterSet {
  readonly name: string;
  readonly uiDefinition: { displayName: string; description: string };
  readonly parameters: Record<string, { type: string; oAuthSettings?: Record<string, unknown> }>;
}

interface ApiProperties {
  properties: {
    connectionParameterSets: { uiDefinition: Record<string, string>; values: ParameterSet[] };
    policyTemplateInstances: Array<{ templateId: string; parameters: Record<string, unknown> }>;
    iconBrandColor: string;
  } & Record<string, unknown>;
}

const required = { type: 'string', const: 'true' } as const;
const uiText = { type: 'string', minLength: 1 } as const;

/** The connection's parameters as Power Platform takes them: a secure string, or an OAuth setting. */
const CONNECTION_PARAMETER = {
  type: 'object',
  required: ['type', 'uiDefinition'],
  properties: {
    type: { enum: ['securestring', 'oauthSetting'] },
    uiDefinition: {
      type: 'object',
      required: ['displayName', 'description', 'constraints'],
      properties: {
        displayName: uiText,
        description: uiText,
        tooltip: uiText,
        constraints: { type: 'object', required: ['required'], properties: { required } },
      },
    },
    oAuthSettings: {
      type: 'object',
      required: ['identityProvider', 'clientId', 'scopes', 'redirectMode', 'customParameters'],
      additionalProperties: false,
      properties: {
        identityProvider: { const: 'aad' },
        clientId: uiText,
        scopes: { type: 'array', items: uiText },
        redirectMode: { enum: ['Global', 'GlobalPerConnector', 'Direct'] },
        redirectUrl: uiText,
        properties: { type: 'object' },
        customParameters: {
          type: 'object',
          required: ['loginUri', 'tenantId', 'resourceUri'],
          additionalProperties: {
            type: 'object',
            required: ['value'],
            additionalProperties: false,
            properties: { value: uiText },
          },
        },
      },
    },
  },
  if: { properties: { type: { const: 'oauthSetting' } } },
  then: { required: ['oAuthSettings'] },
} as const;

const CONNECTION_PROPERTIES = {
  type: 'object',
  required: ['properties'],
  properties: {
    properties: {
      type: 'object',
      required: ['connectionParameterSets', 'iconBrandColor', 'publisher'],
      properties: {
        iconBrandColor: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
        connectionParameterSets: {
          type: 'object',
          required: ['uiDefinition', 'values'],
          additionalProperties: false,
          properties: {
            uiDefinition: {
              type: 'object',
              required: ['displayName', 'description'],
              properties: { displayName: uiText, description: uiText },
            },
            values: {
              type: 'array',
              minItems: 2,
              items: {
                type: 'object',
                required: ['name', 'uiDefinition', 'parameters'],
                additionalProperties: false,
                properties: {
                  name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
                  uiDefinition: {
                    type: 'object',
                    required: ['displayName', 'description'],
                    properties: { displayName: uiText, description: uiText },
                  },
                  metadata: { type: 'object' },
                  parameters: { type: 'object', minProperties: 1, additionalProperties: CONNECTION_PARAMETER },
                },
              },
            },
          },
        },
        policyTemplateInstances: {
          type: 'array',
          items: { type: 'object', required: ['templateId', 'parameters'], properties: { templateId: uiText } },
        },
      },
    },
  },
} as const;

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

  // Swagger 2.0 lets any x- key through; Power Platform reads only the extensions it knows, so a misspelt key or a
  // wrong shape in a picker, a tree or a dynamic schema would do nothing in the designer (connectorExtensions.ts).
  it('uses only the extensions Power Platform knows, each in its documented shape', () => {
    expect(extensionProblems(readJson(DEFINITION))).toEqual([]);
    // The rules catch what they are for: a misspelt key, and a tree step without its parent test.
    const broken = JSON.parse(readFileSync(DEFINITION, 'utf8').replace('"value-title"', '"value-titel"')) as unknown;
    expect(extensionProblems(broken).join('\n')).toMatch(/x-ms-dynamic-values: .*additionalProperties/);
    const treeless = JSON.parse(readFileSync(DEFINITION, 'utf8').replace(/"itemIsParent"/g, '"itemIsParents"'));
    expect(extensionProblems(treeless).join('\n')).toMatch(/x-ms-dynamic-tree/);
  });

  // Multi-auth (https://learn.microsoft.com/connectors/custom-connectors/multi-auth): the connection offers sets of
  // parameters, each a complete way to connect, every parameter of a set required.
  it('offers each sign-in option as a complete set of connection parameters, in the shape Power Platform takes', () => {
    const properties = readJson(path.join(CONNECTOR, 'apiProperties.json')) as ApiProperties;
    const validate = new Ajv({ allErrors: true }).compile(CONNECTION_PROPERTIES);
    expect(validate(properties), JSON.stringify(validate.errors, null, 1)).toBe(true);
    const sets = properties.properties.connectionParameterSets;
    expect(sets.values.map((set) => set.name)).toEqual(['functionKey', 'entraId']);
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

  // With two ways to sign in, the definition declares none (as Microsoft's own multi-auth connectors do): the
  // connection adds its key by a policy, or the platform adds the signed-in user's token.
  it("is served under /api over HTTPS; the connection adds the function key or a signed-in user's token", () => {
    expect(api).toMatchObject({ basePath: '/api', schemes: ['https'] });
    expect(api.securityDefinitions ?? {}).toEqual({});
    expect(api.security ?? []).toEqual([]);
    const { properties } = readJson(path.join(CONNECTOR, 'apiProperties.json')) as ApiProperties;
    const [key, signIn] = properties.connectionParameterSets.values;
    expect(Object.keys(key?.parameters ?? {})).toEqual(['api_key']);
    expect(key?.parameters.api_key).toMatchObject({ type: 'securestring' });
    expect(properties.policyTemplateInstances).toEqual([
      expect.objectContaining({
        templateId: 'setheader',
        parameters: expect.objectContaining({
          'x-ms-apimTemplateParameter.name': 'x-functions-key',
          'x-ms-apimTemplateParameter.value': "@connectionParameters('api_key','')",
          'x-ms-apimTemplate-policySection': 'Request',
        }),
      }),
    ]);
    // Entra ID with the broker's app registration as the resource: App Service Authentication accepts a v1 token
    // whose audience is api://<client id> (infra/functionApp.bicep, allowedAudiences).
    expect(Object.keys(signIn?.parameters ?? {})).toEqual(['token']);
    expect(signIn?.parameters.token).toMatchObject({
      type: 'oauthSetting',
      oAuthSettings: {
        identityProvider: 'aad',
        clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        redirectMode: 'GlobalPerConnector',
        customParameters: {
          loginUri: { value: 'https://login.microsoftonline.com' },
          resourceUri: { value: expect.stringMatching(/^api:\/\/[0-9a-f-]{36}$/) },
          tenantId: { value: expect.any(String) },
        },
      },
    });
  });

  it('gives every operation a summary and a description', () => {
    for (const { key, operation } of operationsOf(api)) {
      expect(operation.summary, key).toMatch(/\S/);
      expect(operation.description, key).toMatch(/\S/);
      expect(operation.description, key).not.toBe(operation.summary);
    }
  });

  it('gives every parameter and every field of a body or an answer an x-ms-summary and a description', () => {
    const fields: Array<{ where: string; field: Record<string, unknown> }> = [];
    const walk = (where: string, schema: Record<string, unknown> | undefined) => {
      if (schema === undefined) return;
      for (const [name, property] of Object.entries(
        (schema.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        fields.push({ where: `${where}.${name}`, field: property });
        walk(`${where}.${name}`, property);
      }
      walk(`${where}[]`, schema.items as Record<string, unknown> | undefined);
    };
    for (const { key, operation } of operationsOf(api)) {
      for (const parameter of (operation.parameters ?? []) as Array<OpenAPIV2.Parameter & Record<string, unknown>>) {
        fields.push({ where: `${key} ${parameter.name}`, field: parameter });
        walk(`${key} ${parameter.name}`, parameter.schema as Record<string, unknown> | undefined);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        walk(`${key} ${status}`, (response as OpenAPIV2.ResponseObject).schema as Record<string, unknown> | undefined);
      }
    }
    expect(fields.length).toBeGreaterThan(100);
    for (const { where, field } of fields) {
      expect(field['x-ms-summary'], where).toMatch(/\S/);
      expect(field.description, where).toMatch(/\S/);
    }
  });

  // Every status an action can answer, each in Graph's error shape (shared/errors.ts, and Graph's own passed on):
  // what every call can meet, and what only a body, an Idempotency-Key or a free method can bring.
  it("declares every error an action can answer, in Graph's shape, with Retry-After on 429 and 503", () => {
    const ALWAYS = ['400', '403', '404', '409', '429', '500', '502', '503', '504'];
    const FREE = ['getWorkbookPath', 'postWorkbookPath', 'patchWorkbookPath', 'deleteWorkbookPath'];
    for (const { key, operation } of operationsOf(api)) {
      const parameters = (operation.parameters ?? []) as OpenAPIV2.Parameter[];
      const expected = [
        ...ALWAYS,
        ...(FREE.includes(operation.operationId ?? '') ? ['405'] : []),
        ...(parameters.some((p) => p.in === 'body') ? ['413', '415'] : []),
        ...(parameters.some((p) => p.name === 'Idempotency-Key') ? ['422'] : []),
      ].sort();
      const errors = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      expect(errors.sort(), key).toEqual(expected);
      for (const status of errors) {
        const response = operation.responses[status] as OpenAPIV2.ResponseObject;
        expect(response.description, `${key} ${status}`).toMatch(/\S/);
        expect(response.schema, `${key} ${status}`).toMatchObject({
          required: ['error'],
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
    // One shared answer per status, by $ref, so that the shape is written once.
    const raw = readJson(DEFINITION) as OpenAPIV2.Document;
    for (const item of Object.values(raw.paths)) {
      for (const method of METHODS) {
        for (const [status, response] of Object.entries(item[method]?.responses ?? {})) {
          if (Number(status) >= 400) expect(response, status).toHaveProperty('$ref');
        }
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

  const parametersOf = (id: string) =>
    (operationsOf(api).find((o) => o.operation.operationId === id)?.operation.parameters ?? []) as Array<
      OpenAPIV2.Parameter & Record<string, unknown>
    >;
  const idsOf = (filter: (operation: OpenAPIV2.OperationObject & Record<string, unknown>) => boolean) =>
    operationsOf(api)
      .filter(({ operation }) => filter(operation as OpenAPIV2.OperationObject & Record<string, unknown>))
      .map(({ operation }) => operation.operationId)
      .sort();

  it.each(['getRange', 'updateRange', 'getUsedRange', 'listTableRows', 'addTableRows'])(
    'works in a session: %s requires the workbook-session-id header',
    (id) => {
      expect(parametersOf(id)).toContainEqual(
        expect.objectContaining({ name: 'workbook-session-id', in: 'header', required: true }),
      );
    },
  );

  // The broker's row operations and the listings the pickers call take the session when the flow has one (the
  // contract: optional, checked when present); a picker, which runs while the flow is built, never has one.
  it.each([
    'listWorksheets',
    'listTables',
    'listRows',
    'addRows',
    'getRow',
    'addRow',
    'updateRow',
    'deleteRow',
    'getWorkbookPath',
    'postWorkbookPath',
    'patchWorkbookPath',
    'deleteWorkbookPath',
  ])('takes the session on %s when the flow has one', (id) => {
    expect(parametersOf(id)).toContainEqual(
      expect.objectContaining({ name: 'workbook-session-id', in: 'header', required: false }),
    );
  });

  // Power Automate encodes each path value itself; the broker forwards the path as it came and Graph decodes it once.
  // Double encoding would leave Graph a literal %XX. Absent, the platform's default is single; written out anyway.
  it('encodes every path parameter once', () => {
    const pathParameters = operationsOf(api).flatMap(({ operation }) =>
      (operation.parameters as Array<OpenAPIV2.Parameter & Record<string, unknown>>).filter((p) => p.in === 'path'),
    );
    expect(pathParameters.length).toBeGreaterThan(0);
    for (const parameter of pathParameters) expect(parameter['x-ms-url-encoding'], parameter.name).toBe('single');
  });

  // Power Automate encodes a / in a path parameter as %2F, which the broker refuses; a query value carries one.
  it.each(['getWorkbookPath', 'postWorkbookPath', 'patchWorkbookPath', 'deleteWorkbookPath'])(
    "%s sends the workbook path in the query, to the broker's own route",
    (id) => {
      const found = operationsOf(api).find((o) => o.operation.operationId === id);
      expect(found?.route).toBe('/broker/drives/{driveId}/items/{itemId}/workbook');
      expect(parametersOf(id)).toContainEqual(expect.objectContaining({ name: 'path', in: 'query', required: true }));
    },
  );

  /** Every picker, tree and dynamic schema of the definition: where it is, what it calls, with what. */
  function extensions() {
    type Found = { where: string; kind: string; operationId: string; passes: Record<string, unknown>; here: string[] };
    const found: Found[] = [];
    const inSchema = (where: string, schema: unknown, here: string[]) => {
      if (typeof schema !== 'object' || schema === null) return;
      const dynamic = (schema as Record<string, unknown>)['x-ms-dynamic-schema'] as
        { operationId: string; parameters: Record<string, unknown> } | undefined;
      if (dynamic) found.push({ where, kind: 'schema', ...dynamic, passes: dynamic.parameters, here });
      for (const [key, value] of Object.entries(schema))
        if (key !== 'x-ms-dynamic-schema') inSchema(where, value, here);
    };
    for (const { key, operation } of operationsOf(api)) {
      const parameters = (operation.parameters ?? []) as Array<OpenAPIV2.Parameter & Record<string, unknown>>;
      const here = parameters.map((p) => p.name);
      for (const parameter of parameters) {
        const where = `${key} ${parameter.name}`;
        const values = parameter['x-ms-dynamic-values'] as { operationId: string; parameters?: object } | undefined;
        if (values)
          found.push({
            where,
            kind: 'values',
            operationId: values.operationId,
            passes: { ...values.parameters },
            here,
          });
        const tree = parameter['x-ms-dynamic-tree'] as
          Record<'open' | 'browse', { operationId: string; parameters: Record<string, unknown> }> | undefined;
        for (const step of tree ? (['open', 'browse'] as const) : []) {
          found.push({
            where: `${where} ${step}`,
            kind: 'tree',
            operationId: tree![step].operationId,
            passes: tree![step].parameters,
            here,
          });
        }
        inSchema(where, parameter.schema, here);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        inSchema(`${key} ${status}`, (response as OpenAPIV2.ResponseObject).schema, here);
      }
    }
    return found;
  }

  const picked = () =>
    new Set(
      operationsOf(api).flatMap(({ operation }) =>
        (operation.parameters as Array<OpenAPIV2.Parameter & Record<string, unknown>>)
          .filter((p) => p['x-ms-dynamic-values'] !== undefined || p['x-ms-dynamic-tree'] !== undefined)
          .map((p) => p.name),
      ),
    );

  // A picker is filled while the flow is being built. It may pass on only what the maker has already chosen there —
  // another picker's value, a literal, or the node the tree opened — never a run-time value (the session id, a
  // body, a key), which a flow has only when it runs. The operation it calls must take exactly what it passes, need
  // nothing else, and run without a session.
  it('fills every picker, tree and dynamic schema from an operation of the connector, with design-time values only', () => {
    const found = extensions();
    expect(new Set(found.map((f) => f.kind))).toEqual(new Set(['values', 'tree', 'schema']));
    for (const { where, operationId, passes, here } of found) {
      const target = parametersOf(operationId);
      expect(target.length + 1, `${where}: ${operationId}`).toBeGreaterThan(0);
      expect(
        operationsOf(api).some((o) => o.operation.operationId === operationId),
        where,
      ).toBe(true);
      for (const [name, spec] of Object.entries(passes)) {
        expect(
          target.map((p) => p.name),
          `${where} passes ${name}`,
        ).toContain(name);
        const from = spec as { parameter?: string; parameterReference?: string; selectedItemValuePath?: string };
        const reference = from.parameter ?? from.parameterReference;
        if (reference !== undefined) {
          expect(here, `${where} takes ${reference} from its own action`).toContain(reference);
          expect(picked().has(reference), `${where} takes ${reference}, which no picker fills`).toBe(true);
        } else if (from.selectedItemValuePath === undefined) {
          expect(typeof spec, `${where} ${name} is a literal`).not.toBe('object');
        }
      }
      for (const parameter of target) {
        if (parameter.required && parameter.default === undefined) {
          expect(Object.keys(passes), `${where}: ${operationId} needs ${parameter.name}`).toContain(parameter.name);
        }
        if (parameter.in === 'header' || parameter.in === 'body') {
          expect(parameter.required, `${where}: ${operationId} requires ${parameter.name}`).toBeFalsy();
        }
      }
    }
  });

  it('offers the drive, the file, the worksheet, the table and the columns from pickers', () => {
    const found = extensions();
    const calls = (kind: string, where: RegExp) =>
      [...new Set(found.filter((f) => f.kind === kind && where.test(f.where)).map((f) => f.operationId))].sort();
    expect(calls('values', / driveId$/)).toEqual(['listDrives']);
    expect(calls('tree', / itemId (open|browse)$/)).toEqual(['listDriveItemChildren', 'listDriveRootChildren']);
    expect(calls('values', / worksheet$/)).toEqual(['listWorksheets']);
    expect(calls('values', / table$/)).toEqual(['listTables']);
    expect(calls('values', / (keyColumn|filterColumn)$/)).toEqual(['listTableColumns']);
    expect(calls('schema', /./)).toEqual(['getTableSchema']);
    // With ALLOWED_DRIVE_IDS=* listDrives answers nothing; the field says what to do then.
    expect(parametersOf('createSession').find((p) => p.name === 'driveId')?.description).toMatch(/custom value/);
    const tree = parametersOf('createSession').find((p) => p.name === 'itemId')?.['x-ms-dynamic-tree'];
    expect(tree).toMatchObject({
      settings: { canSelectParentNodes: false, canSelectLeafNodes: true },
      open: { itemsPath: 'value', itemValuePath: 'id', itemTitlePath: 'name', itemIsParent: '(isFolder eq true)' },
      browse: { itemsPath: 'value', itemValuePath: 'id', itemTitlePath: 'name', itemIsParent: '(isFolder eq true)' },
    });
  });

  // The row actions show one field per column: their body and their answer come from the table's schema.
  it.each([
    ['addRow', 'body', '201'],
    ['addRows', 'body', '201'],
    ['updateRow', 'body', '200'],
    ['getRow', undefined, '200'],
    ['listRows', undefined, '200'],
  ])('%s takes and answers rows with one field per column', (id, body, status) => {
    const mine = extensions().filter((f) => f.kind === 'schema' && f.where.split(' ')[2] === id);
    expect(mine.map((f) => f.where.split(' ').at(-1)).sort()).toEqual([...(body ? [body] : []), status].sort());
    for (const found of mine) {
      expect(found.passes).toEqual({
        driveId: { parameter: 'driveId' },
        itemId: { parameter: 'itemId' },
        table: { parameter: 'table' },
      });
    }
  });

  it('offers the writes an Idempotency-Key among the advanced parameters, with the run name as its example', () => {
    const writes = idsOf((operation) =>
      parametersOf(operation.operationId ?? '').some((p) => p.name === 'Idempotency-Key'),
    );
    expect(writes).toEqual(
      [
        'createSession',
        'addTableRows',
        'addRow',
        'addRows',
        'updateRow',
        'deleteRow',
        'postWorkbookPath',
        'patchWorkbookPath',
        'deleteWorkbookPath',
      ].sort(),
    );
    for (const id of writes as string[]) {
      const key = parametersOf(id).find((p) => p.name === 'Idempotency-Key');
      expect(key, id).toMatchObject({ in: 'header', required: false, 'x-ms-visibility': 'advanced' });
      expect(key?.description, id).toContain('@{workflow().run.name}');
    }
  });

  it('keeps the free workbook calls, the drive and the operation poll among the advanced actions, the picker calls internal', () => {
    expect(idsOf((operation) => operation['x-ms-visibility'] === 'advanced')).toEqual([
      'deleteWorkbookPath',
      'getDrive',
      'getOperation',
      'getWorkbookPath',
      'patchWorkbookPath',
      'postWorkbookPath',
    ]);
    expect(idsOf((operation) => operation['x-ms-visibility'] === 'internal')).toEqual([
      'getTableSchema',
      'listDriveItemChildren',
      'listDriveRootChildren',
      'listDrives',
      'listTableColumns',
    ]);
  });

  // Flows built on the array actions keep running; new flows get the ones by column.
  it('keeps the array row actions for the flows that use them, deprecated', () => {
    expect(idsOf((operation) => operation.deprecated === true)).toEqual(['addTableRows', 'listTableRows']);
  });

  it('gives the connection a brand colour', () => {
    const { properties } = readJson(path.join(CONNECTOR, 'apiProperties.json')) as ApiProperties;
    expect(properties.iconBrandColor).toMatch(/^#[0-9a-f]{6}$/i);
  });
});
