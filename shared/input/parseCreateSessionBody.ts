import { BadRequestError } from '../errors';

/**
 * createSession's body: `{"persistChanges": bool}`; empty means `true` (Graph's default). `persistSession` is the
 * name old Microsoft samples used by mistake (fixed in the docs in 2018); callers built on them are honoured rather
 * than silently given the default, as Graph itself would. Other fields are ignored, as Graph ignores them.
 */
export function parseCreateSessionBody(text: string): boolean {
  if (text.trim() === '') return true;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('The request body must be a JSON object such as {"persistChanges": true}.');
  }
  const fields = body as Record<string, unknown>;
  const persistChanges = flag(fields, 'persistChanges');
  const persistSession = flag(fields, 'persistSession');
  if (persistChanges !== undefined && persistSession !== undefined && persistChanges !== persistSession) {
    throw new BadRequestError('persistChanges and persistSession disagree; send persistChanges only.');
  }
  return persistChanges ?? persistSession ?? true;
}

function flag(fields: Record<string, unknown>, name: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new BadRequestError(`${name} must be true or false.`);
  return value;
}
