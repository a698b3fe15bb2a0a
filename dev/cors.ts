import { EXPOSED_HEADERS } from '../shared/respond';
import type { IncomingHttpHeaders } from 'node:http';

/** CORS as `local.settings.json` `Host.CORS` / `Host.CORSCredentials` configure it (and Azure's allowed origins). */
export interface CorsOptions {
  /** Allowed origins such as `http://localhost:5173`, or `*` for any. */
  readonly origins: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true` (cookies, client certificates). */
  readonly credentials: boolean;
}

/** What the local host asks of its CORS policy: the answer to a preflight, and the headers for any other answer. */
export interface CorsPolicy {
  isPreflight(method: string | undefined, headers: IncomingHttpHeaders): boolean;
  preflightHeaders(headers: IncomingHttpHeaders): Record<string, string>;
  responseHeaders(headers: IncomingHttpHeaders): Record<string, string>;
}

/** Ten minutes: spares a page a preflight before every call; short enough that a changed Host.CORS is felt soon. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * The CORS of the Functions host, for the local host. Core Tools and the Linux/Flex host both run ASP.NET Core's CORS
 * middleware with the configured origins, any method and any header (azure-functions-core-tools
 * `Actions/HostActions/Startup.cs`, azure-functions-host `Configuration/CorsOptionsSetup.cs`), so:
 * - a preflight is answered by the host itself with 204 and never reaches a function; an origin not allowed gets the
 *   204 without CORS headers, and the browser refuses the call;
 * - the requested method and headers are echoed back;
 * - an allowed origin is echoed, or `*` when `*` is configured without credentials;
 * - every other answer to an allowed origin, errors and 404s included, carries `Access-Control-Allow-Origin`.
 * On top of the host, it sends `Access-Control-Max-Age` and `Access-Control-Expose-Headers` (see above).
 *
 * `*` together with credentials is refused, as App Service refuses that setting and ASP.NET Core's policy builder
 * throws on it: echoing every origin with credentials would let any site read a signed-in user's answers.
 */
export function corsPolicy(options: CorsOptions): CorsPolicy {
  const origins = checked(options).origins.map(normalizeOrigin);
  const anyOrigin = origins.includes('*');
  const allowedOrigin = (headers: IncomingHttpHeaders): string | undefined => {
    const origin = single(headers.origin);
    if (origin === undefined) return undefined;
    if (anyOrigin) return '*';
    return origins.includes(normalizeOrigin(origin)) ? origin : undefined;
  };
  // The answer differs by Origin unless it is `*` for everyone: caches must keep one copy per Origin.
  const vary: Record<string, string> = anyOrigin ? {} : { vary: 'Origin' };
  const common = (allowed: string): Record<string, string> => ({
    ...vary,
    'access-control-allow-origin': allowed,
    ...(options.credentials ? { 'access-control-allow-credentials': 'true' } : {}),
  });

  return {
    isPreflight(method, headers) {
      const requestedMethod = single(headers['access-control-request-method']);
      return method === 'OPTIONS' && single(headers.origin) !== undefined && requestedMethod !== undefined;
    },
    preflightHeaders(headers) {
      const allowed = allowedOrigin(headers);
      if (allowed === undefined) return { ...vary };
      const requestedHeaders = single(headers['access-control-request-headers']);
      return {
        ...common(allowed),
        'access-control-allow-methods': single(headers['access-control-request-method']) ?? '',
        ...(requestedHeaders ? { 'access-control-allow-headers': requestedHeaders } : {}),
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
      };
    },
    responseHeaders(headers) {
      if (single(headers.origin) === undefined) return {};
      const allowed = allowedOrigin(headers);
      if (allowed === undefined) return { ...vary };
      return { ...common(allowed), 'access-control-expose-headers': EXPOSED_HEADERS };
    },
  };
}

/** `Host.CORS` as Core Tools reads it: comma-separated origins; empty or absent means CORS is off. */
export function toCorsOptions(cors: string | undefined, credentials: boolean): CorsOptions | undefined {
  const origins = (cors ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
  return origins.length > 0 ? checked({ origins, credentials }) : undefined;
}

function checked(options: CorsOptions): CorsOptions {
  if (options.credentials && options.origins.some((origin) => origin.trim() === '*')) {
    throw new Error(
      'Host.CORSCredentials cannot be true while Host.CORS allows any origin (*): list the origins instead.',
    );
  }
  return options;
}

/** Origins compare as the browser serialises them: scheme and host case-insensitive, no trailing slash. */
function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
