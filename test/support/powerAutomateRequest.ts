import type { OpenAPIV2 } from 'openapi-types';

/** What a maker fills in for one action, by parameter name (the body under its parameter's name). */
export type ActionInputs = Readonly<Record<string, unknown>>;

export interface BuiltRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

type Parameter = OpenAPIV2.Parameter & Record<string, unknown>;

/**
 * Builds the HTTP request Power Automate sends for an action of a (dereferenced) connector definition: each path and
 * query value percent-encoded once, or twice where its `x-ms-url-encoding` is `double` (the workflow language's
 * encodeURIComponent, which escapes everything but RFC 3986's unreserved characters, `/` included —
 * https://learn.microsoft.com/azure/logic-apps/workflow-definition-language-functions-reference#encodeUriComponent),
 * a parameter's default when the maker left it empty, header values as given, the body as JSON. Refuses an input
 * the action does not have and a required one left empty, so a test cannot send what the maker could not.
 */
export function powerAutomateRequest(
  api: OpenAPIV2.Document,
  operationId: string,
  inputs: ActionInputs,
  baseUrl: string,
): BuiltRequest {
  const found = operationOf(api, operationId);
  const parameters = (found.operation.parameters ?? []) as Parameter[];
  for (const name of Object.keys(inputs)) {
    if (!parameters.some((p) => p.name === name)) throw new Error(`${operationId} has no parameter ${name}.`);
  }

  let path = found.route;
  const query: string[] = [];
  const headers: Record<string, string> = {};
  let body: string | undefined;
  for (const parameter of parameters) {
    const value = inputs[parameter.name] ?? parameter.default;
    if (value === undefined) {
      if (parameter.required) throw new Error(`${operationId} needs ${parameter.name}.`);
      continue;
    }
    if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodeAs(parameter, String(value)));
    else if (parameter.in === 'query') query.push(`${parameter.name}=${encodeAs(parameter, String(value))}`);
    else if (parameter.in === 'header') headers[parameter.name] = String(value);
    else if (parameter.in === 'body') body = JSON.stringify(value);
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const url = `${baseUrl}${api.basePath ?? ''}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
  return { method: found.method.toUpperCase(), url, headers, ...(body === undefined ? {} : { body }) };
}

/** `x-ms-url-encoding`: `single` (the default) encodes the value once, `double` twice (for a value holding a `/`). */
function encodeAs(parameter: Parameter, value: string): string {
  const once = encodeValue(value);
  return parameter['x-ms-url-encoding'] === 'double' ? encodeValue(once) : once;
}

function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

/** An action of a (dereferenced) definition, by its operationId: its path, its method and the operation. */
export function operationOf(api: OpenAPIV2.Document, operationId: string) {
  for (const [route, item] of Object.entries(api.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation?.operationId === operationId) return { route, method, operation };
    }
  }
  throw new Error(`The definition has no action ${operationId}.`);
}
