// @ts-check

/**
 * An answer that was not a success, read from Graph's error shape, which the broker always answers in
 * (https://learn.microsoft.com/graph/errors): `{ error: { code, message, innerError: { code, request-id } } }`.
 * The inner code is the one that says what to do: `invalidSessionReCreatable` means "create a new session".
 */
export class BrokerError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string | undefined} innerCode
   * @param {string} message
   * @param {string | undefined} requestId Graph's or the broker's request id, what support asks for
   */
  constructor(status, code, innerCode, message, requestId) {
    super(message);
    this.name = 'BrokerError';
    this.status = status;
    this.code = code;
    this.innerCode = innerCode;
    this.requestId = requestId;
  }

  /** One line a person can read: `404 itemNotFound / invalidSessionReCreatable: The session … (request-id …)`. */
  describe() {
    const codes = this.innerCode ? `${this.code} / ${this.innerCode}` : this.code;
    return `${this.status} ${codes}: ${this.message}${this.requestId ? ` (request-id ${this.requestId})` : ''}`;
  }
}

/**
 * Reads a failed answer defensively: the host's own 404 has an empty body, and a proxy may answer HTML.
 * @param {Response} response
 * @returns {Promise<BrokerError>}
 */
export async function toBrokerError(response) {
  const text = await response.text().catch(() => '');
  const requestId = response.headers.get('request-id') ?? undefined;
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const inner = error && isRecord(error.innerError) ? error.innerError : undefined;
  return new BrokerError(
    response.status,
    typeof error?.code === 'string' ? error.code : `http${response.status}`,
    typeof inner?.code === 'string' ? inner.code : undefined,
    typeof error?.message === 'string' ? error.message : response.statusText || 'No error details in the answer.',
    typeof inner?.['request-id'] === 'string' ? inner['request-id'] : requestId,
  );
}

/**
 * What to show for anything a call threw. A `fetch` that the browser refused (CORS, the broker down) is a
 * TypeError that says nothing more, by design: the page cannot tell which, so it says both.
 * @param {unknown} error
 * @returns {string}
 */
export function describeError(error) {
  if (error instanceof BrokerError) return error.describe();
  if (error instanceof TypeError) {
    return `The broker could not be reached, or it does not allow this page's origin (${location.origin}) in its CORS settings: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isRecord(value) {
  return typeof value === 'object' && value !== null;
}
