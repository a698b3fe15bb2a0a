/**
 * Graph's top-level error codes and their statuses, both ways, in one table: the current names first
 * (https://learn.microsoft.com/graph/workbook-error-codes), then the older names still seen in the wild
 * (`accessDenied`, `itemNotFound`, `TooManyRequests` — codes are case-insensitive).
 */
const CODES: ReadonlyArray<readonly [number, string]> = [
  [400, 'badRequest'],
  [401, 'unauthorized'],
  [403, 'forbidden'],
  [404, 'itemNotFound'],
  [405, 'methodNotAllowed'],
  [409, 'conflict'],
  [413, 'payloadTooLarge'],
  [423, 'resourceLocked'],
  [429, 'tooManyRequests'],
  [500, 'internalServerError'],
  [501, 'notImplemented'],
  [502, 'badGateway'],
  [503, 'serviceUnavailable'],
  [504, 'gatewayTimeout'],
  [403, 'accessDenied'],
  [404, 'notFound'],
];

const codeByStatus = new Map<number, string>();
for (const [status, code] of CODES) if (!codeByStatus.has(status)) codeByStatus.set(status, code);
const statusByCode = new Map(CODES.map(([status, code]) => [code.toLowerCase(), status]));

/** The code Graph would send with a status it sent without one. */
export function codeForStatus(status: number): string {
  return codeByStatus.get(status) ?? (status >= 500 ? 'internalServerError' : 'badRequest');
}

/** The status a code stands for (an operation's error carries a code but no status); 500 for one we do not know. */
export function statusForCode(code: string): number {
  return statusByCode.get(code.toLowerCase()) ?? 500;
}
