import { BadRequestError, UnsupportedMediaTypeError } from '../errors';

/**
 * A forwarded body is JSON, as Graph's workbook API takes it (https://learn.microsoft.com/graph/api/resources/excel):
 * one in another format (`415`) or that does not parse (`400`) is refused here, before it costs a Graph call and the
 * workbook's turn. A body sent without a content type is judged by whether it parses. Answers the parsed JSON, so a
 * caller that reads the body parses it once.
 */
export function requireJsonBody(headers: { get(name: string): string | null }, body: Uint8Array): unknown {
  const type = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type && !isJsonType(type)) {
    throw new UnsupportedMediaTypeError(
      `Graph's workbook API takes JSON bodies; send this one as content-type: application/json, not ${type}.`,
    );
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
}

/** `application/json`, or a JSON-based type such as `application/merge-patch+json`. */
function isJsonType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
