import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIdentityEndpoint, type IdentityEndpoint } from '../dev/identityEndpoint';
import {
  FILES_READWRITE_ALL,
  SITES_SELECTED,
  startGraphDirectory,
  type DirectoryOptions,
  type GraphDirectoryServer,
} from './support/graphDirectoryServer';

// The grant command as an admin runs it: a fresh `node` running deploy/grantGraphAccess.ts, signed in through the real
// DefaultAzureCredential (here its managed-identity credential, pointed at the local identity endpoint), against a
// local Graph that answers the directory and site calls with Microsoft's documented shapes and errors.

const root = path.resolve(__dirname, '..');
const FINANCE = 'https://contoso.sharepoint.com/sites/finance';
const SALES = 'https://contoso.sharepoint.com/sites/sales/';

let identityEndpoint: IdentityEndpoint;
let graph: GraphDirectoryServer;
let home: string;

beforeEach(async () => {
  identityEndpoint = await startIdentityEndpoint();
  home = mkdtempSync(path.join(tmpdir(), 'grant-home-'));
});
afterEach(async () => {
  await graph?.close();
  await identityEndpoint.close();
  rmSync(home, { recursive: true, force: true });
});

async function startGraph(options: Partial<DirectoryOptions> = {}): Promise<GraphDirectoryServer> {
  graph = await startGraphDirectory({ verify: (token) => identityEndpoint.verify(token), ...options });
  return graph;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command in a child with only what it needs: no developer's Azure sign-in or AZURE_* variable leaks in. */
function grant(...args: string[]): Promise<Run> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    GRAPH_BASE_URL: graph.baseUrl,
    IDENTITY_ENDPOINT: identityEndpoint.url,
    IDENTITY_HEADER: identityEndpoint.header,
  };
  const child = spawn(
    process.execPath,
    ['-r', './test/support/requireTs.cjs', './deploy/grantGraphAccess.ts', ...args],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const siteOf = (url: string) =>
  graph.sites.get(`${new URL(url).hostname}:${new URL(url).pathname.replace(/\/$/, '')}`)!;

describe('npm run grant-graph-access', () => {
  it("assigns Sites.Selected, grants write on each site to the identity's client id, prints the drives — and writes nothing the second time", async () => {
    await startGraph();
    const first = await grant('--identity', graph.identity.id, '--site', FINANCE, '--site', SALES);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const application = { id: graph.identity.appId, displayName: graph.identity.displayName };
    expect(graph.writes()).toEqual([
      {
        method: 'POST',
        path: `/servicePrincipals/${graph.identity.id}/appRoleAssignments`,
        body: { principalId: graph.identity.id, resourceId: graph.graphPrincipalId, appRoleId: SITES_SELECTED },
      },
      {
        method: 'POST',
        path: `/sites/${siteOf(FINANCE).id}/permissions`,
        body: { roles: ['write'], grantedToIdentities: [{ application }] },
      },
      {
        method: 'POST',
        path: `/sites/${siteOf(SALES).id}/permissions`,
        body: { roles: ['write'], grantedToIdentities: [{ application }] },
      },
    ]);
    const drives = [...siteOf(FINANCE).drives, ...siteOf(SALES).drives];
    for (const drive of drives) expect(first.stdout).toContain(`drive "${drive.name}": ${drive.id}`);
    expect(first.stdout).toContain(`ALLOWED_DRIVE_IDS=${drives.map((d) => d.id).join(',')}\n`);
    // Every call carried a token the identity endpoint issued (the local Graph refuses any other with 401).
    expect(identityEndpoint.requestCount()).toBeGreaterThan(0);

    const writesBefore = graph.writes().length;
    const second = await grant('--identity', graph.identity.id, '--site', FINANCE, '--site', SALES);
    expect(second.code).toBe(0);
    expect(graph.writes()).toHaveLength(writesBefore);
    expect(second.stdout).toContain('Graph application role Sites.Selected: already assigned');
    expect(second.stdout).toContain(`Site ${FINANCE}: already granted write`);
    expect(second.stdout).toContain(`ALLOWED_DRIVE_IDS=${drives.map((d) => d.id).join(',')}\n`);
  }, 60_000);

  it('raises an existing read grant to write instead of adding a second one', async () => {
    await startGraph();
    const application = { id: graph.identity.appId, displayName: graph.identity.displayName };
    siteOf(FINANCE).permissions.push({
      id: 'aTowaS50fG1zLnNwLmV4dHw',
      roles: ['read'],
      grantedToIdentitiesV2: [{ application }],
      grantedToIdentities: [{ application }],
    });
    const run = await grant('--identity', graph.identity.id, '--site', FINANCE);
    expect(run.code).toBe(0);
    expect(graph.writes().filter((w) => w.path.startsWith('/sites/'))).toEqual([
      {
        method: 'PATCH',
        path: `/sites/${siteOf(FINANCE).id}/permissions/aTowaS50fG1zLnNwLmV4dHw`,
        body: { roles: ['write'] },
      },
    ]);
  }, 60_000);

  it('--all-files assigns Files.ReadWrite.All and touches no site', async () => {
    await startGraph();
    const run = await grant('--identity', graph.identity.id, '--all-files');
    expect(run.code).toBe(0);
    expect(graph.writes()).toEqual([
      {
        method: 'POST',
        path: `/servicePrincipals/${graph.identity.id}/appRoleAssignments`,
        body: { principalId: graph.identity.id, resourceId: graph.graphPrincipalId, appRoleId: FILES_READWRITE_ALL },
      },
    ]);
    expect(graph.seen.some((r) => r.path.startsWith('/sites/'))).toBe(false);
  }, 60_000);

  it.each([
    {
      what: 'an unknown site',
      options: {},
      args: (g: GraphDirectoryServer) => [
        '--identity',
        g.identity.id,
        '--site',
        'https://contoso.sharepoint.com/sites/nowhere',
      ],
      line: /^No site at https:\/\/contoso\.sharepoint\.com\/sites\/nowhere \(Graph answered 404 itemNotFound\): check the URL/,
    },
    {
      what: 'an identity Entra ID does not know',
      options: {},
      args: () => ['--identity', '0d6a3a5e-0000-4000-8000-000000000000', '--site', FINANCE],
      line: /^No service principal has object id 0d6a3a5e-0000-4000-8000-000000000000 .*BROKER_IDENTITY_PRINCIPAL_ID/,
    },
    {
      what: 'an admin without the privilege to assign app roles (403)',
      options: { refuse: /^POST \/servicePrincipals\/.*\/appRoleAssignments$/ },
      args: (g: GraphDirectoryServer) => ['--identity', g.identity.id, '--site', FINANCE],
      line: /^Graph refused POST \/servicePrincipals\/.*\/appRoleAssignments \(403 Authorization_RequestDenied: .*\): sign in as a Privileged Role Administrator .*AppRoleAssignment\.ReadWrite\.All/,
    },
    {
      what: 'an admin without the privilege to grant sites (403)',
      options: { refuse: /^POST \/sites\/.*\/permissions$/ },
      args: (g: GraphDirectoryServer) => ['--identity', g.identity.id, '--site', FINANCE],
      line: /^Graph refused POST \/sites\/.*\/permissions \(403 accessDenied: .*\): sign in as a SharePoint Administrator .*Sites\.FullControl\.All/,
    },
  ])(
    'stops on $what with exit code 1 and one line saying what failed and what to do',
    async ({ options, args, line }) => {
      await startGraph(options);
      const run = await grant(...args(graph));
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(line);
    },
    60_000,
  );

  it('refuses a wrong command line with exit code 2 and its usage, calling nobody', async () => {
    await startGraph();
    const run = await grant('--identity', 'my-function-app', '--site', FINANCE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^--identity must be an object id \(a GUID\); got "my-function-app"\. usage: npm run grant-graph-access/,
    );
    expect(graph.seen).toEqual([]);
    expect(identityEndpoint.requests()).toEqual([]);
  }, 60_000);
});
