// One error type for everything the emulator refuses; rendered to Graph's error shape in exactly one place
// (emulatorReply.ts). Top-level codes follow the current "Microsoft Graph error responses" page
// (https://learn.microsoft.com/graph/errors), inner codes the Excel page
// (https://learn.microsoft.com/graph/workbook-error-codes).

const topCodes: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  405: 'methodNotAllowed',
  409: 'conflict',
  413: 'payloadTooLarge',
  423: 'resourceLocked',
  // The throttling page's sample body uses PascalCase here; codes are case-insensitive anyway.
  429: 'TooManyRequests',
  500: 'internalServerError',
  501: 'notImplemented',
  502: 'badGateway',
  503: 'serviceUnavailable',
  504: 'gatewayTimeout',
};

// Inner codes a client must act on. 502/504 deliberately have none: the Excel docs say a 502/503 with no known
// inner code means "recreate the session", and createSession "might occasionally receive a 504".
const innerCodes: Readonly<Record<number, string>> = {
  409: 'accessConflict',
  423: 'resourceLocked',
  429: 'tooManyRequestsUncategorized',
  500: 'internalServerErrorUncategorized',
  503: 'serviceUnavailableUncategorized',
};

const messages: Readonly<Record<number, string>> = {
  409: 'The workbook is locked for editing by another user.',
  429: 'Please retry again later.',
  500: 'An internal server error occurred while processing the request.',
  502: 'The upstream service returned an invalid response.',
  503: 'The service is temporarily unavailable. Please retry later.',
  504: 'The request timed out.',
};

export function topCodeFor(status: number): string {
  return topCodes[status] ?? (status >= 500 ? 'generalException' : 'invalidRequest');
}

export function innerCodeFor(status: number): string | undefined {
  return innerCodes[status];
}

/** A refusal the emulator answers with Graph's error body. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }

  /** A status with the default top code, inner code and message for it. */
  static forStatus(status: number, innerCode?: string | null, headers?: Record<string, string>): GraphError {
    const message = messages[status] ?? `The emulator answered ${status} as instructed by a fault rule.`;
    return new GraphError(
      status,
      topCodeFor(status),
      message,
      innerCode === null ? undefined : (innerCode ?? innerCodeFor(status)),
      headers,
    );
  }
}

export function badRequest(message: string): GraphError {
  return new GraphError(400, 'badRequest', message);
}

/** What Graph answers for an expired, closed or foreign session id (seen in the wild as ItemNotFound). */
export function sessionGone(): GraphError {
  return new GraphError(
    404,
    'ItemNotFound',
    'The session specified in the request does not exist or is invalid due to a transient error.',
    'invalidSessionReCreatable',
  );
}

export function itemNotFound(message = 'The resource could not be found.'): GraphError {
  return new GraphError(404, 'itemNotFound', message);
}
