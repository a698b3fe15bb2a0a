import type { Principal } from './assignGraphAppRole';
import { GraphCallError, type GraphDirectory } from './graphDirectory';

interface Site {
  readonly id: string;
}

interface Grantee {
  readonly application?: { readonly id?: string };
}

interface SitePermission {
  readonly id: string;
  readonly roles?: readonly string[];
  readonly grantedToIdentitiesV2?: readonly Grantee[];
  readonly grantedToIdentities?: readonly Grantee[];
}

interface Drive {
  readonly id: string;
  readonly name: string;
}

/** Roles that include writing: Sites.Selected's `write`, and the two above it. */
const WRITES = new Set(['write', 'owner', 'fullcontrol']);

export class SiteNotFoundError extends Error {
  override readonly name = 'SiteNotFoundError';
  constructor(
    readonly siteUrl: string,
    override readonly cause: GraphCallError,
  ) {
    super(`No site at ${siteUrl}.`);
  }
}

/**
 * Grants the identity `write` on one site (what Sites.Selected lets it use), unless it has write or more already,
 * and returns the site's drives: the ids ALLOWED_DRIVE_IDS takes.
 * https://learn.microsoft.com/graph/api/site-post-permissions
 */
export async function grantSiteWrite(
  graph: GraphDirectory,
  siteUrl: string,
  identity: Principal,
  say: (line: string) => void,
): Promise<string[]> {
  const site = await findSite(graph, siteUrl);
  const permissions = await graph.list<SitePermission>(`/sites/${site.id}/permissions`);
  const granted = permissions.find((p) => granteesOf(p).includes(identity.appId));
  if (granted === undefined) {
    await graph.send('POST', `/sites/${site.id}/permissions`, {
      roles: ['write'],
      grantedToIdentities: [{ application: { id: identity.appId, displayName: identity.displayName } }],
    });
    say(`Site ${siteUrl}: write granted`);
  } else if (granted.roles?.some((role) => WRITES.has(role))) {
    say(`Site ${siteUrl}: already granted ${granted.roles.join(', ')}`);
  } else {
    // A weaker grant (read) is raised rather than doubled: https://learn.microsoft.com/graph/api/site-update-permission
    await graph.send('PATCH', `/sites/${site.id}/permissions/${granted.id}`, { roles: ['write'] });
    say(`Site ${siteUrl}: raised from ${granted.roles?.join(', ') || 'no role'} to write`);
  }
  const drives = await graph.list<Drive>(`/sites/${site.id}/drives?$select=id,name`);
  for (const drive of drives) say(`  drive "${drive.name}": ${drive.id}`);
  return drives.map((drive) => drive.id);
}

/** GET /sites/{hostname}:{server-relative path}, or /sites/{hostname} for a tenant's root site. */
async function findSite(graph: GraphDirectory, siteUrl: string): Promise<Site> {
  const url = new URL(siteUrl);
  const path = url.pathname === '/' ? '' : `:${url.pathname}`;
  try {
    return await graph.get<Site>(`/sites/${url.hostname}${path}?$select=id,displayName,webUrl`);
  } catch (error) {
    if (error instanceof GraphCallError && error.status === 404) throw new SiteNotFoundError(siteUrl, error);
    throw error;
  }
}

function granteesOf(permission: SitePermission): string[] {
  return [...(permission.grantedToIdentitiesV2 ?? []), ...(permission.grantedToIdentities ?? [])]
    .map((grantee) => grantee.application?.id)
    .filter((id): id is string => id !== undefined);
}
