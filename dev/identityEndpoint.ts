import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A local stand-in for the App Service / Functions managed identity endpoint, API version 2019-08-01:
 * https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference
 * Point IDENTITY_ENDPOINT / IDENTITY_HEADER at it and the real ManagedIdentityCredential fetches tokens from it.
 *
 * Tokens are `emu.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`: opaque, checkable by verify(), and on
 * purpose not JWT-shaped — a string starting `ey` after `Bearer ` trips secret scanners in logs and CI.
 */

const API_VERSION = '2019-08-01';
const TOKEN_PATH = '/msi/token';

export interface IdentityEndpointOptions {
  /** Port to listen on; default 0, a free one. */
  port?: number;
  /** Clock in epoch milliseconds; default Date.now. */
  now?: () => number;
  /** Lifetime of issued tokens; default 3600 (App Service issues roughly a day, but an hour exercises refresh). */
  tokenLifetimeSeconds?: number;
  /** HMAC key for tokens; default random, so tokens from another run never verify. */
  signingKey?: Buffer;
}

export interface IdentityEndpointRequest {
  at: number;
  resource: string | null;
  clientId: string | null;
  status: number;
  /** The id of the token issued (200 only): tells one token from another without the token itself. */
  tokenId?: string;
}

export interface IdentityEndpoint {
  /** Value for IDENTITY_ENDPOINT, e.g. http://127.0.0.1:PORT/msi/token */
  readonly url: string;
  /** Value for IDENTITY_HEADER: the secret expected in X-IDENTITY-HEADER, generated at start. */
  readonly header: string;
  readonly port: number;
  /** Token requests answered with 200. */
  requestCount(): number;
  /** Every request to the token path, in arrival order, whatever its outcome. */
  requests(): IdentityEndpointRequest[];
  /** True for an unexpired token this endpoint issued. */
  verify(token: string): boolean;
  /** The id of a token this endpoint issued (as in `requests()`), or undefined for any other string. */
  tokenIdOf(token: string): string | undefined;
  close(): Promise<void>;
}

export async function startIdentityEndpoint(options: IdentityEndpointOptions = {}): Promise<IdentityEndpoint> {
  const now = options.now ?? Date.now;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const key = options.signingKey ?? randomBytes(32);
  const header = randomBytes(24).toString('hex');
  // The system-assigned identity's ids; a user-assigned one is named by its client_id and gets an object id here.
  const systemClientId = randomUUID();
  const objectIds = new Map<string, string>();
  const log: IdentityEndpointRequest[] = [];

  const sign = (payload: string): string => createHmac('sha256', key).update(payload).digest('base64url');

  // Each token carries its own id (`uti`, as Entra's tokens do), so two issued in the same second still differ.
  const issue = (resource: string, clientId: string): { token: string; exp: number; uti: string } => {
    const oid = objectIds.get(clientId) ?? randomUUID();
    objectIds.set(clientId, oid);
    const exp = Math.floor(now() / 1000) + lifetime;
    const uti = randomUUID();
    const claims = { aud: resource, oid, appid: clientId, exp, uti };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `emu.${payload}.${sign(`emu.${payload}`)}`, exp, uti };
  };
  const signedClaims = (token: string): Record<string, unknown> | undefined => {
    const [prefix, payload, signature, ...rest] = token.split('.');
    if (prefix !== 'emu' || !payload || !signature || rest.length > 0) return undefined;
    if (!safeEqual(signature, sign(`emu.${payload}`))) return undefined;
    return readClaims(payload);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== TOKEN_PATH) return send(res, 404, { statusCode: 404, message: 'Not found' });
    const resource = url.searchParams.get('resource');
    const clientId = url.searchParams.get('client_id');
    const status = (code: number, body: object, tokenId?: string): void => {
      log.push({ at: now(), resource, clientId, status: code, ...(tokenId ? { tokenId } : {}) });
      send(res, code, body);
    };
    if (req.method !== 'GET') return status(405, error(405, 'Only GET is supported.'));
    const given = req.headers['x-identity-header'];
    if (typeof given !== 'string' || given === '')
      return status(400, error(400, 'X-IDENTITY-HEADER header is missing.'));
    if (!safeEqual(given, header)) return status(401, error(401, 'X-IDENTITY-HEADER does not match IDENTITY_HEADER.'));
    if (url.searchParams.get('api-version') !== API_VERSION) {
      return status(400, error(400, `Unsupported api-version; this endpoint speaks ${API_VERSION}.`));
    }
    if (!resource) return status(400, error(400, 'The resource query parameter is required.'));
    const appid = clientId ?? systemClientId;
    const { token, exp, uti } = issue(resource, appid);
    // expires_on is epoch seconds as a string, as App Service sends it; MSAL also accepts ISO 8601.
    const body = { access_token: token, expires_on: String(exp), resource, token_type: 'Bearer', client_id: appid };
    status(200, body, uti);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${TOKEN_PATH}`,
    header,
    port,
    requestCount: () => log.filter((r) => r.status === 200).length,
    requests: () => log.map((r) => ({ ...r })),
    verify: (token) => {
      const exp = signedClaims(token)?.exp;
      return typeof exp === 'number' && exp * 1000 > now();
    },
    tokenIdOf: (token) => {
      const uti = signedClaims(token)?.uti;
      return typeof uti === 'string' ? uti : undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // The SDK keeps its connection alive; without this close() would wait for the idle timeout.
        server.closeAllConnections();
      }),
  };
}

/** The error body App Service's endpoint sends (and MSAL reads `message` from). */
function error(statusCode: number, message: string): object {
  return { statusCode, message, correlationId: randomUUID() };
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readClaims(payload: string): Record<string, unknown> | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null) return claims as Record<string, unknown>;
  } catch {
    // A signed payload we cannot parse was not issued by this endpoint's code; treat as invalid.
  }
  return undefined;
}
