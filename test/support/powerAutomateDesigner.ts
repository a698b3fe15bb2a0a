import type { OpenAPIV2 } from 'openapi-types';
import { operationOf, powerAutomateRequest, type BuiltRequest } from './powerAutomateRequest';

// The Power Automate designer, as far as a connector's definition decides what it does: it fills a picker
// (x-ms-dynamic-values), browses a tree (x-ms-dynamic-tree) and shows an object's fields (x-ms-dynamic-schema) by
// calling the operation the extension names with the parameters it names, and then runs the action with what the
// maker chose. The one rule the designer cannot bend: a picker is filled while the flow is being built, so it can only
// be handed values the maker has already chosen — never an output of another action, such as a session id, which
// exists only when the flow runs. `chosen` holds those design-time values; anything else a picker names is refused.
// Extensions: https://learn.microsoft.com/connectors/custom-connectors/openapi-extensions

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json(): Record<string, unknown>;
}

export type Send = (request: BuiltRequest) => Promise<Answer>;

/** A value a picker offers: what is sent, and what the maker reads. */
export interface Choice {
  readonly value: string;
  readonly title: string;
}

/** What the maker chose while building the flow, by parameter name: picked from a list or typed as a custom value. */
export type Chosen = Readonly<Record<string, string>>;

type Parameter = OpenAPIV2.Parameter & Record<string, unknown>;
type Schema = Record<string, unknown>;

interface DynamicValues {
  readonly operationId: string;
  readonly parameters?: Record<string, unknown>;
  readonly 'value-collection'?: string;
  readonly 'value-path': string;
  readonly 'value-title': string;
}

interface TreeStep {
  readonly operationId: string;
  readonly parameters?: Record<
    string,
    { parameterReference?: string; selectedItemValuePath?: string; value?: unknown }
  >;
  readonly itemsPath?: string;
  readonly itemValuePath: string;
  readonly itemTitlePath: string;
  readonly itemIsParent: string;
}

interface DynamicTree {
  readonly settings?: { canSelectParentNodes?: boolean; canSelectLeafNodes?: boolean };
  readonly open: TreeStep;
  readonly browse: TreeStep;
}

interface DynamicSchema {
  readonly operationId: string;
  readonly parameters?: Record<string, unknown>;
  readonly 'value-path'?: string;
}

export interface Designer {
  /** The choices a parameter's x-ms-dynamic-values offers, given what the maker has chosen so far. */
  pick(operationId: string, parameter: string, chosen: Chosen): Promise<Choice[]>;
  /** Browses a parameter's x-ms-dynamic-tree by the titles of the nodes opened, and answers the leaf picked last. */
  browse(operationId: string, parameter: string, chosen: Chosen, titles: readonly string[]): Promise<Choice>;
  /** The fields x-ms-dynamic-schema gives an action's body (`body`) or its answer (a status such as `201`). */
  schemaOf(operationId: string, where: string, chosen: Chosen): Promise<Schema>;
  /**
   * Runs an action: the design-time choices and the run-time inputs (dynamic content, typed values, the body) become
   * the request Power Automate sends. A body is refused unless every field it fills is one the designer showed; an
   * answer whose status the action does not declare fails the run.
   */
  run(operationId: string, chosen: Chosen, runtime?: Readonly<Record<string, unknown>>): Promise<Answer>;
}

export function powerAutomateDesigner(api: OpenAPIV2.Document, baseUrl: string, send: Send): Designer {
  const run = async (operationId: string, chosen: Chosen, runtime: Readonly<Record<string, unknown>> = {}) => {
    const { operation } = operationOf(api, operationId);
    const body = runtime.body;
    const bodyParameter = parametersOf(operation).find((p) => p.in === 'body');
    if (body !== undefined && bodyParameter?.schema !== undefined) {
      const shown = await resolve(bodyParameter.schema as Schema, chosen);
      for (const row of Array.isArray(body) ? body : [body]) expectFields(operationId, shown, row);
    }
    const answer = await send(powerAutomateRequest(api, operationId, { ...chosen, ...runtime }, baseUrl));
    if (operation.responses[String(answer.status)] === undefined) {
      throw new Error(`${operationId} answered ${answer.status}, a status its definition does not declare.`);
    }
    return answer;
  };

  /** Calls the operation an extension names, with the parameters it names, each taken from the maker's choices. */
  const callFor = async (owner: string, operationId: string, inputs: Record<string, unknown>) => {
    const answer = await run(operationId, {}, inputs);
    if (answer.status !== 200) throw new Error(`${owner}: ${operationId} answered ${answer.status}: ${answer.text}`);
    return answer.json();
  };

  const designTime = (owner: string, parameters: Record<string, unknown> | undefined, chosen: Chosen) =>
    Object.fromEntries(
      Object.entries(parameters ?? {}).map(([name, spec]) => {
        const reference = (spec as { parameter?: string; parameterReference?: string } | null) ?? {};
        const from = reference.parameter ?? reference.parameterReference;
        if (from === undefined) return [name, (spec as { value?: unknown })?.value ?? spec];
        const value = chosen[from];
        if (value === undefined) {
          throw new Error(`${owner} needs ${from}, which is not chosen while the flow is being built.`);
        }
        return [name, value];
      }),
    );

  const resolve = async (schema: Schema, chosen: Chosen): Promise<Schema> => {
    const dynamic = schema['x-ms-dynamic-schema'] as DynamicSchema | undefined;
    if (dynamic !== undefined) {
      const answer = await callFor(
        'a dynamic schema',
        dynamic.operationId,
        designTime('a dynamic schema', dynamic.parameters, chosen),
      );
      const found = (dynamic['value-path'] ?? '')
        .split('/')
        .filter(Boolean)
        .reduce<unknown>((at, key) => (at as Schema)?.[key], answer);
      if (typeof found !== 'object' || found === null) throw new Error(`${dynamic.operationId} answered no schema.`);
      return found as Schema;
    }
    if (schema.type === 'array' && schema.items !== undefined) {
      return { ...schema, items: await resolve(schema.items as Schema, chosen) };
    }
    const properties = schema.properties as Record<string, Schema> | undefined;
    if (properties === undefined) return schema;
    const resolved: Record<string, Schema> = {};
    for (const [name, property] of Object.entries(properties)) resolved[name] = await resolve(property, chosen);
    return { ...schema, properties: resolved };
  };

  return {
    run,
    async pick(operationId, parameter, chosen) {
      const owner = `The ${parameter} picker of ${operationId}`;
      const dynamic = parameterOf(api, operationId, parameter)['x-ms-dynamic-values'] as DynamicValues | undefined;
      if (dynamic === undefined) throw new Error(`${owner} does not exist.`);
      const answer = await callFor(owner, dynamic.operationId, designTime(owner, dynamic.parameters, chosen));
      const collection = dynamic['value-collection'] === undefined ? answer : answer[dynamic['value-collection']];
      if (!Array.isArray(collection)) throw new Error(`${owner}: ${dynamic.operationId} answered no list.`);
      return (collection as Schema[]).map((item) => ({
        value: String(item[dynamic['value-path']]),
        title: String(item[dynamic['value-title']]),
      }));
    },
    async browse(operationId, parameter, chosen, titles) {
      const owner = `The ${parameter} tree of ${operationId}`;
      const tree = parameterOf(api, operationId, parameter)['x-ms-dynamic-tree'] as DynamicTree | undefined;
      if (tree === undefined) throw new Error(`${owner} does not exist.`);
      let step = tree.open;
      let selected: Schema | undefined;
      for (const [depth, title] of titles.entries()) {
        const inputs = Object.fromEntries(
          Object.entries(step.parameters ?? {}).map(([name, spec]) => {
            if (spec.selectedItemValuePath !== undefined) return [name, selected?.[spec.selectedItemValuePath]];
            return [name, designTime(owner, { [name]: spec }, chosen)[name]];
          }),
        );
        const answer = await callFor(owner, step.operationId, inputs);
        const items = (step.itemsPath === undefined ? answer : answer[step.itemsPath]) as Schema[];
        const item = items.find((candidate) => candidate[step.itemTitlePath] === title);
        if (item === undefined) throw new Error(`${owner} offers no ${title} at depth ${depth}.`);
        const parent = holds(step.itemIsParent, item);
        const last = depth === titles.length - 1;
        if (last) {
          const selectable = parent ? tree.settings?.canSelectParentNodes : tree.settings?.canSelectLeafNodes !== false;
          if (!selectable) throw new Error(`${owner} does not let the maker select ${title}.`);
          return { value: String(item[step.itemValuePath]), title };
        }
        if (!parent) throw new Error(`${owner}: ${title} is not a folder.`);
        selected = item;
        step = tree.browse;
      }
      throw new Error(`${owner}: nothing was picked.`);
    },
    async schemaOf(operationId, where, chosen) {
      const { operation } = operationOf(api, operationId);
      const schema =
        where === 'body'
          ? parametersOf(operation).find((p) => p.in === 'body')?.schema
          : (operation.responses[where] as OpenAPIV2.ResponseObject | undefined)?.schema;
      if (schema === undefined) throw new Error(`${operationId} has no schema for ${where}.`);
      return resolve(schema as Schema, chosen);
    },
  };
}

/**
 * `itemIsParent`, an OData-like test on the node (`(isFolder eq true)`). Only a plain property compared with a
 * literal is understood: the platform documents nothing more, so a definition needing more fails here.
 */
function holds(expression: string, item: Schema): boolean {
  const match = /^\(?\s*(\w+)\s+eq\s+(true|false|'[^']*')\s*\)?$/.exec(expression.trim());
  if (match === null) throw new Error(`itemIsParent ${expression} is not a property compared with a literal.`);
  const property = match[1] as string;
  // The platform evaluates the test on the node as the operation answered it: an absent property is never true, so
  // every folder would look like a file. Said plainly here, rather than as a folder that will not open.
  if (!(property in item)) {
    throw new Error(`itemIsParent ${expression}: the listing answered ${String(item.name)} without ${property}.`);
  }
  const literal = match[2] as string;
  const expected = literal.startsWith("'") ? literal.slice(1, -1) : literal === 'true';
  return item[property] === expected;
}

/** A body the designer built from fields it showed: every key one of the schema's properties, of its type. */
function expectFields(operationId: string, shown: Schema, body: unknown): void {
  const row = (shown.type === 'array' ? shown.items : shown) as Schema;
  const properties = (row.properties ?? {}) as Record<string, Schema>;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const field = properties[key];
    if (field === undefined) throw new Error(`${operationId} shows no field ${key}.`);
    const type = field.type === 'integer' ? 'number' : field.type;
    if (type !== undefined && value !== null && typeof value !== type) {
      throw new Error(`${operationId}: the field ${key} takes a ${String(field.type)}, not ${JSON.stringify(value)}.`);
    }
  }
}

function parametersOf(operation: OpenAPIV2.OperationObject): Parameter[] {
  return (operation.parameters ?? []) as Parameter[];
}

function parameterOf(api: OpenAPIV2.Document, operationId: string, name: string): Parameter {
  const found = parametersOf(operationOf(api, operationId).operation).find((p) => p.name === name);
  if (found === undefined) throw new Error(`${operationId} has no parameter ${name}.`);
  return found;
}

/** Sends a built request with fetch and reads the whole answer. */
export async function sendWithFetch(request: BuiltRequest, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(request.url, {
    method: request.method,
    headers: { ...headers, ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}
