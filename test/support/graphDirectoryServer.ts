import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A local Microsoft Graph for the grant command: the directory and site calls it makes, answered with the shapes and
 * errors Microsoft documents (https://learn.microsoft.com/graph/errors, and the pages of each call linked in deploy/).
 * Tokens must be the identity endpoint's own (`verify`). Every request is recorded, so a test asserts what Graph saw.
 */

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** The ids Graph's application roles have in every tenant. */
export const SITES_SELECTED = '883ea226-0bf2-4a8f-9f9d-92c9162a727d';
export const FILES_READWRITE_ALL = '75359482-378d-4052-8f01-80520e7db3cd';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface DirectoryOptions {
  readonly verify: (token: string) => boolean;
  /** Answer 403 to calls whose method and path match. */
  readonly refuse?: RegExp;
}

export interface SiteState {
  readonly id: string;
  readonly permissions: Record<string, unknown>[];
  readonly drives: { id: string; name: string; driveType: string }[];
}

export interface GraphDirectoryServer {
  readonly baseUrl: string;
  readonly graphPrincipalId: string;
  readonly identity: { id: string; appId: string; displayName: string };
  /** Sites by `hostname:/path`. */
  readonly sites: Map<string, SiteState>;
  readonly assignments: Record<string, unknown>[];
  readonly seen: SeenRequest[];
  writes(): SeenRequest[];
  close(): Promise<void>;
}

export async function startGraphDirectory(options: DirectoryOptions): Promise<GraphDirectoryServer> {
  const state = newState();
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    void readJson(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://graph.local');
      const path = decodeURIComponent(url.pathname.replace(/^\/v1\.0/, ''));
      const method = req.method ?? 'GET';
      seen.push({ method, path, body });
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !options.verify(token)) {
        return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token validation failure.');
      }
      if (options.refuse?.test(`${method} ${path}`)) {
        const code = path.startsWith('/sites/') ? 'accessDenied' : 'Authorization_RequestDenied';
        return graphError(res, 403, code, 'Insufficient privileges to complete the operation.');
      }
      route(state, method, path, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1.0`,
    graphPrincipalId: state.graph.id,
    identity: state.identity,
    sites: state.sites,
    assignments: state.assignments,
    seen,
    writes: () => seen.filter((r) => r.method !== 'GET'),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type State = ReturnType<typeof newState>;

function newState() {
  const graph = {
    id: randomUUID(),
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    appRoles: [
      // Graph's delegated permission of the same name is not an app role applications can hold; a role that only
      // users may hold is here to prove the command filters on allowedMemberTypes.
      appRole(randomUUID(), 'Sites.Selected', ['User']),
      appRole(SITES_SELECTED, 'Sites.Selected', ['Application']),
      appRole(FILES_READWRITE_ALL, 'Files.ReadWrite.All', ['Application']),
      appRole(randomUUID(), 'Sites.FullControl.All', ['Application']),
    ],
  };
  const identity = { id: randomUUID(), appId: randomUUID(), displayName: 'id-broker-test' };
  const sites = new Map<string, SiteState>();
  for (const [key, names] of [
    ['contoso.sharepoint.com:/sites/finance', ['Documents', 'Budgets']],
    ['contoso.sharepoint.com:/sites/sales', ['Documents']],
  ] as const) {
    const id = `contoso.sharepoint.com,${randomUUID()},${randomUUID()}`;
    const drives = names.map((name) => ({
      id: `b!${randomUUID().replace(/-/g, '')}`,
      name,
      driveType: 'documentLibrary',
    }));
    sites.set(key, { id, permissions: [], drives });
  }
  return { graph, identity, sites, assignments: [] as Record<string, unknown>[] };
}

function appRole(id: string, value: string, allowedMemberTypes: string[]) {
  return {
    id,
    value,
    allowedMemberTypes,
    displayName: value,
    description: value,
    isEnabled: true,
    origin: 'Application',
  };
}

function route(state: State, method: string, path: string, body: unknown, res: ServerResponse): void {
  const principals = [state.graph, state.identity];
  if (method === 'GET' && path === `/servicePrincipals(appId='${GRAPH_APP_ID}')`) return send(res, 200, state.graph);
  const principal = /^\/servicePrincipals\/([^/]+)(\/appRoleAssignments)?$/.exec(path);
  if (principal) {
    const found = principals.find((p) => p.id === principal[1]);
    if (!found) {
      const message = `Resource '${principal[1]}' does not exist or one of its queried reference-property objects are not present.`;
      return graphError(res, 404, 'Request_ResourceNotFound', message);
    }
    if (!principal[2] && method === 'GET') return send(res, 200, found);
    const mine = state.assignments.filter((a) => a.principalId === found.id);
    if (method === 'GET') return send(res, 200, { value: mine });
    if (method === 'POST') return assign(state, found.id, body, res);
  }
  // A site by its URL (GET /sites/{hostname}:{server-relative path}), or by its id with what hangs under it.
  const byPath = /^\/sites\/([^/:]+:\/.+)$/.exec(path);
  if (byPath?.[1]) return siteRoute(state, method, byPath[1], undefined, undefined, body, res);
  const site = /^\/sites\/([^/]+)(?:\/(permissions|drives)(?:\/([^/]+))?)?$/.exec(path);
  if (site?.[1]) return siteRoute(state, method, site[1], site[2], site[3], body, res);
  graphError(res, 400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
}

/** POST /servicePrincipals/{id}/appRoleAssignments with its documented body and its documented refusals. */
function assign(state: State, principalId: string, body: unknown, res: ServerResponse): void {
  const { principalId: given, resourceId, appRoleId } = (body ?? {}) as Record<string, unknown>;
  const resource = resourceId === state.graph.id ? state.graph : undefined;
  const role = resource?.appRoles.find((r) => r.id === appRoleId && r.allowedMemberTypes.includes('Application'));
  if (given !== principalId || !resource || !role) {
    return graphError(res, 400, 'Request_BadRequest', 'Permission being assigned was not found on application.');
  }
  if (state.assignments.some((a) => a.principalId === principalId && a.appRoleId === appRoleId)) {
    return graphError(res, 400, 'Request_BadRequest', 'Permission being assigned already exists on the object');
  }
  const assignment = {
    id: randomUUID(),
    deletedDateTime: null,
    appRoleId,
    createdDateTime: new Date().toISOString(),
    principalDisplayName: state.identity.displayName,
    principalId,
    principalType: 'ServicePrincipal',
    resourceDisplayName: resource.displayName,
    resourceId: resource.id,
  };
  state.assignments.push(assignment);
  send(res, 201, assignment);
}

function siteRoute(
  state: State,
  method: string,
  key: string,
  part: string | undefined,
  permissionId: string | undefined,
  body: unknown,
  res: ServerResponse,
): void {
  const site = state.sites.get(key) ?? [...state.sites.values()].find((s) => s.id === key);
  if (!site) return graphError(res, 404, 'itemNotFound', 'Requested site could not be found');
  if (part === undefined && method === 'GET') {
    const name = key.split('/').pop() ?? '';
    return send(res, 200, { id: site.id, name, displayName: name, webUrl: `https://${key.replace(':', '')}` });
  }
  if (part === 'drives' && method === 'GET') return send(res, 200, { value: site.drives });
  if (part === 'permissions') {
    if (method === 'GET' && !permissionId) return send(res, 200, { value: site.permissions });
    const { roles, grantedToIdentities } = (body ?? {}) as { roles?: unknown; grantedToIdentities?: unknown };
    if (!Array.isArray(roles) || roles.some((r) => !['read', 'write', 'owner', 'fullcontrol'].includes(r as string))) {
      return graphError(res, 400, 'invalidRequest', 'Invalid value for roles.');
    }
    if (method === 'POST' && !permissionId) {
      const application = (grantedToIdentities as { application?: { id?: unknown } }[] | undefined)?.[0]?.application;
      if (typeof application?.id !== 'string') return graphError(res, 400, 'invalidRequest', 'Invalid request');
      const permission = { id: randomUUID(), roles, grantedToIdentities, grantedToIdentitiesV2: grantedToIdentities };
      site.permissions.push(permission);
      return send(res, 201, permission);
    }
    const existing = site.permissions.find((p) => p.id === permissionId);
    if (method === 'PATCH' && existing) {
      existing.roles = roles;
      return send(res, 200, existing);
    }
  }
  graphError(res, 400, 'BadRequest', 'Unsupported request.');
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', 'request-id': randomUUID() });
  res.end(JSON.stringify(body));
}

function graphError(res: ServerResponse, status: number, code: string, message: string): void {
  const date = new Date().toISOString();
  send(res, status, {
    error: { code, message, innerError: { date, 'request-id': randomUUID(), 'client-request-id': randomUUID() } },
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}
