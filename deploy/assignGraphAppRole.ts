import { GraphCallError, type GraphDirectory } from './graphDirectory';

/** Microsoft Graph's own application id, the same in every tenant. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** A service principal as the grant needs it: its object id, and its client (application) id. */
export interface Principal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string;
}

interface AppRole {
  readonly id: string;
  readonly value: string | null;
  readonly allowedMemberTypes: readonly string[];
}

interface AppRoleAssignment {
  readonly appRoleId: string;
  readonly resourceId: string;
}

export class IdentityNotFoundError extends Error {
  override readonly name = 'IdentityNotFoundError';
  constructor(readonly objectId: string) {
    super(`No service principal has object id ${objectId}.`);
  }
}

/** The broker's identity by its object id: what app roles are assigned to, and the client id sites are granted to. */
export async function findIdentity(graph: GraphDirectory, objectId: string): Promise<Principal> {
  try {
    return await graph.get<Principal>(`/servicePrincipals/${objectId}?$select=id,appId,displayName`);
  } catch (error) {
    if (error instanceof GraphCallError && error.status === 404) throw new IdentityNotFoundError(objectId);
    throw error;
  }
}

/**
 * Assigns the identity one of Graph's application roles, unless it has it already. The role is found by its value
 * among Graph's service principal's app roles that applications may hold (a role's id is the same in every tenant,
 * but looking it up is what the documentation does and survives a mistyped constant):
 * https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignments
 */
export async function assignGraphAppRole(
  graph: GraphDirectory,
  identity: Principal,
  value: string,
  say: (line: string) => void,
): Promise<void> {
  const graphPrincipal = await graph.get<{ id: string; appRoles: readonly AppRole[] }>(
    `/servicePrincipals(appId='${GRAPH_APP_ID}')?$select=id,appId,displayName,appRoles`,
  );
  const role = graphPrincipal.appRoles.find((r) => r.value === value && r.allowedMemberTypes.includes('Application'));
  if (!role) throw new Error(`Microsoft Graph's service principal offers no application role "${value}".`);
  const assigned = await graph.list<AppRoleAssignment>(`/servicePrincipals/${identity.id}/appRoleAssignments`);
  if (assigned.some((a) => a.resourceId === graphPrincipal.id && a.appRoleId === role.id)) {
    say(`Graph application role ${value}: already assigned`);
    return;
  }
  await graph.send('POST', `/servicePrincipals/${identity.id}/appRoleAssignments`, {
    principalId: identity.id,
    resourceId: graphPrincipal.id,
    appRoleId: role.id,
  });
  say(`Graph application role ${value}: assigned`);
}
