/*
 * `npm run grant-graph-access -- --identity <object id> --site <site URL> [--site …] [--all-files]`
 *
 * What a Graph admin runs once the deployment exists: the broker's managed identity gets Graph's application role
 * Sites.Selected and `write` on each site named (or, with --all-files, Files.ReadWrite.All and no site), and each
 * site's drives are printed, ready for ALLOWED_DRIVE_IDS. It signs in as the admin through DefaultAzureCredential
 * (az login, azd auth login, …) and calls Graph at GRAPH_BASE_URL. Run twice, it writes nothing the second time. A
 * failure exits non-zero with one line saying what failed and what to do.
 */
import { loadConfig } from '../shared/config';
import { assignGraphAppRole, findIdentity } from './assignGraphAppRole';
import { failureLine } from './failureLine';
import { parseGrantArguments, type GrantRequest } from './grantArguments';
import { grantSiteWrite } from './grantSiteWrite';
import { createGraphDirectory, type GraphDirectory } from './graphDirectory';

export async function grantGraphAccess(
  graph: GraphDirectory,
  request: GrantRequest,
  say: (line: string) => void,
): Promise<void> {
  const identity = await findIdentity(graph, request.identity);
  say(`Identity ${identity.displayName}: object id ${identity.id}, client id ${identity.appId}`);
  await assignGraphAppRole(graph, identity, request.allFiles ? 'Files.ReadWrite.All' : 'Sites.Selected', say);
  const drives: string[] = [];
  for (const site of request.sites) drives.push(...(await grantSiteWrite(graph, site, identity, say)));
  if (drives.length > 0) say(`ALLOWED_DRIVE_IDS=${drives.join(',')}`);
}

/** The command: 0 done, 1 a grant failed, 2 a wrong command line. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let request: GrantRequest;
  let baseUrl: string;
  try {
    request = parseGrantArguments(argv);
    baseUrl = loadConfig(env).graphBaseUrl;
  } catch (error) {
    process.stderr.write(`${failureLine(error)}\n`);
    return 2;
  }
  const { DefaultAzureCredential } = await import('@azure/identity');
  const credential = new DefaultAzureCredential();
  // The token is for the Graph that GRAPH_BASE_URL names (a national cloud has its own).
  const scope = `${new URL(baseUrl).origin}/.default`;
  const graph = createGraphDirectory(baseUrl, async () => {
    const token = await credential.getToken(scope);
    if (!token) throw new Error(`No token for ${scope}.`);
    return token.token;
  });
  try {
    await grantGraphAccess(graph, request, (line) => process.stdout.write(`${line}\n`));
    return 0;
  } catch (error) {
    process.stderr.write(`${failureLine(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
