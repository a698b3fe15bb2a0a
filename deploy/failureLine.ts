import { IdentityNotFoundError } from './assignGraphAppRole';
import { UsageError } from './grantArguments';
import { GraphCallError } from './graphDirectory';
import { SiteNotFoundError } from './grantSiteWrite';

/**
 * One line for whatever stopped the grant: what failed and what to do. Graph's own code and message stay in it, since
 * they are what an admin searches for.
 */
export function failureLine(error: unknown): string {
  return oneLine(describe(error));
}

function describe(error: unknown): string {
  if (error instanceof UsageError) return error.message;
  if (error instanceof IdentityNotFoundError) {
    return (
      `No service principal has object id ${error.objectId} in the tenant you are signed in to: pass the object id ` +
      "of the broker's managed identity (azd env get-value BROKER_IDENTITY_PRINCIPAL_ID), signed in to its tenant."
    );
  }
  if (error instanceof SiteNotFoundError) {
    return (
      `No site at ${error.siteUrl} (Graph answered ${error.cause.status} ${error.cause.code}): check the URL, ` +
      'https://<tenant>.sharepoint.com/sites/<name>, and that you are signed in to its tenant.'
    );
  }
  if (error instanceof GraphCallError && (error.status === 401 || error.status === 403)) {
    return `Graph refused ${error.method} ${error.path} (${error.status} ${error.code}: ${error.graphMessage}): ${privilegeFor(error.path)}`;
  }
  if (error instanceof GraphCallError) {
    return `Graph answered ${error.status} ${error.code} to ${error.method} ${error.path}: ${error.graphMessage}`;
  }
  if (
    error instanceof Error &&
    /CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError/.test(error.name)
  ) {
    return (
      `No Azure sign-in gave a Graph token (${error.message.split('\n')[0] ?? ''}): sign in as a Graph admin with ` +
      '`az login` or `azd auth login`, then run this again.'
    );
  }
  return `grant-graph-access failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** What the signed-in admin needs for the call Graph refused. */
function privilegeFor(path: string): string {
  if (path.includes('/appRoleAssignments')) {
    return (
      'sign in as a Privileged Role Administrator (or Global Administrator) whose Graph token carries ' +
      'AppRoleAssignment.ReadWrite.All and Application.Read.All, then run this again.'
    );
  }
  if (path.startsWith('/sites/')) {
    return 'sign in as a SharePoint Administrator whose Graph token carries Sites.FullControl.All, then run this again.';
  }
  return 'sign in as an admin who may read service principals (Application.Read.All), then run this again.';
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}
