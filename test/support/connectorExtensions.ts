import Ajv, { type ValidateFunction } from 'ajv';

// Power Platform's extensions to OpenAPI 2.0, each in the shape Microsoft documents for custom connectors
// (https://learn.microsoft.com/connectors/custom-connectors/openapi-extensions), written here as JSON schemas of our
// own. Swagger 2.0 lets any `x-` key through; Power Platform reads only the ones it knows, so a misspelt key or a
// wrong shape in a picker silently does nothing in the designer. Every `x-ms-` key of the definition must be one of
// these, and hold this shape.

const text = { type: 'string', minLength: 1 } as const;

/** A picker's parameter: a literal, or (older form) another parameter of the action, by name. */
const dynamicParameter = {
  anyOf: [
    { type: ['string', 'number', 'boolean'] },
    { type: 'object', required: ['parameter'], additionalProperties: false, properties: { parameter: text } },
  ],
} as const;

/** A tree's parameter: a literal, another parameter of the action, or a field of the node the maker opened. */
const treeParameter = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: { value: {}, parameterReference: text, selectedItemValuePath: text },
} as const;

const treeStep = {
  type: 'object',
  required: ['operationId', 'itemValuePath', 'itemTitlePath', 'itemIsParent'],
  additionalProperties: false,
  properties: {
    operationId: text,
    parameters: { type: 'object', additionalProperties: treeParameter },
    itemsPath: text,
    itemValuePath: text,
    itemTitlePath: text,
    itemFullTitlePath: text,
    itemIsParent: text,
  },
} as const;

/** A call the designer makes to fill a field: the operation, its parameters, where the answer's values are. */
function dynamicCall(more: Record<string, object>): object {
  return {
    type: 'object',
    required: ['operationId', 'value-path'],
    additionalProperties: false,
    properties: {
      operationId: text,
      parameters: { type: 'object', additionalProperties: dynamicParameter },
      'value-path': text,
      ...more,
    },
  };
}

export const EXTENSION_SCHEMAS: Readonly<Record<string, object>> = {
  'x-ms-summary': text,
  'x-ms-visibility': { enum: ['important', 'advanced', 'internal'] },
  'x-ms-url-encoding': { enum: ['single', 'double'] },
  'x-ms-dynamic-values': dynamicCall({ 'value-collection': text, 'value-title': text }),
  'x-ms-dynamic-schema': dynamicCall({}),
  'x-ms-dynamic-tree': {
    type: 'object',
    required: ['settings', 'open', 'browse'],
    additionalProperties: false,
    properties: {
      settings: {
        type: 'object',
        required: ['canSelectParentNodes', 'canSelectLeafNodes'],
        additionalProperties: false,
        properties: { canSelectParentNodes: { type: 'boolean' }, canSelectLeafNodes: { type: 'boolean' } },
      },
      open: treeStep,
      browse: treeStep,
    },
  },
  'x-ms-pageable': {
    type: 'object',
    required: ['nextLinkName'],
    additionalProperties: false,
    properties: { nextLinkName: text },
  },
};

let validators: Map<string, ValidateFunction> | undefined;

/** Every problem with the definition's `x-ms-` keys, each as `where: what`; empty when there is none. */
export function extensionProblems(definition: unknown): string[] {
  validators ??= new Map(
    Object.entries(EXTENSION_SCHEMAS).map(([key, schema]) => [key, new Ajv({ allErrors: true }).compile(schema)]),
  );
  const found = validators;
  const problems: string[] = [];
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) node.forEach((item, index) => walk(item, `${where}/${index}`));
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const at = `${where}/${key}`;
      if (key.startsWith('x-ms-')) {
        const validate = found.get(key);
        if (validate === undefined) problems.push(`${at}: not an extension Power Platform knows`);
        else if (!validate(value)) problems.push(`${at}: ${JSON.stringify(validate.errors)}`);
      }
      walk(value, at);
    }
  };
  walk(definition, '');
  return problems;
}
