import { codeForStatus } from './graphCodes';
import { GraphError } from '../errors';
import { retryAfterSeconds } from './throttling';

const MAX_MESSAGE = 500;

/**
 * Parses a non-2xx Graph answer once, defensively, into `{status, code, innerCode, retryAfter}`. Graph's body may be
 * missing, HTML from a gateway, or JSON of another shape; none of that may throw here. The inner code is the one
 * that carries meaning for sessions (https://learn.microsoft.com/graph/workbook-error-codes): we take the first
 * nested `innerError.code` that is not just the status repeated (Graph's 429 sample puts "429" there).
 */
export function parseGraphError(status: number, headers: Headers, bodyText: string, now: number): GraphError {
  let code: string | undefined;
  let message: string | undefined;
  let innerCode: string | undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    const error = field(parsed, 'error');
    code = stringField(error, 'code');
    message = stringField(error, 'message');
    let inner = field(error, 'innerError') ?? field(error, 'innererror');
    for (let depth = 0; inner !== undefined && depth < 5 && innerCode === undefined; depth += 1) {
      const candidate = stringField(inner, 'code');
      if (candidate && !/^\d+$/.test(candidate)) innerCode = candidate;
      inner = field(inner, 'innerError') ?? field(inner, 'innererror');
    }
  } catch {
    // Not JSON (a gateway page, an empty body): the status alone speaks.
  }
  const retryAfter = retryAfterSeconds(headers.get('retry-after'), now);
  return new GraphError(
    status,
    code ?? codeForStatus(status),
    (message ?? `Microsoft Graph answered ${status}.`).slice(0, MAX_MESSAGE),
    innerCode,
    retryAfter,
  );
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' && found.length > 0 ? found : undefined;
}
