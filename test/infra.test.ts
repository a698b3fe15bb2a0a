import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AZURE_SETTINGS, loadConfig } from '../shared/config';
import { bicep, findBicep, snapshotOf, SUBSCRIPTION, type PredictedResource, type Snapshot } from './support/bicep';

// infra/ compiled and evaluated by the real Bicep CLI (tools/bicep restores it from NuGet): what `azd up` would
// deploy, checked before anyone deploys it. Without the CLI, `npm test` skips these checks and says why; CI (CI set,
// as .ci/run and the CI runner set it) never skips them and fails instead.

const root = path.resolve(__dirname, '..');
const cli = findBicep();
const required = Boolean(process.env.CI);
const skipped = 'missing' in cli && !required ? cli.missing : undefined;
if (skipped) console.warn(`Infrastructure checks (test/infra.test.ts) skipped: ${skipped}. CI runs them.`);

const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
};
const BROKER_APP = '11111111-2222-3333-4444-555555555555';
const PAGE_APP = '66666666-7777-8888-9999-000000000000';

const tracked = execFileSync('git', ['ls-files', '*.bicep'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
let cliPath = '';
let template = '';
let plain: Snapshot;
let secured: Snapshot;

const all = (snapshot: Snapshot, type: string) => snapshot.predictedResources.filter((r) => r.type === type);
function one(snapshot: Snapshot, type: string, name?: string): PredictedResource {
  const found = all(snapshot, type).filter((r) => name === undefined || r.name.endsWith(name));
  expect(
    found.map((r) => r.id),
    `one ${type}${name ? ` named …${name}` : ''}`,
  ).toHaveLength(1);
  return found[0] as PredictedResource;
}
const settingsOf = (snapshot: Snapshot) =>
  one(snapshot, 'Microsoft.Web/sites/config', '/appsettings').properties as Record<string, string>;
/** A value Azure fills in at deployment: `[reference('<id>', '<api>').<property>]`, as the snapshot keeps it. */
const referenceTo = (id: string, property: string) =>
  new RegExp(`reference\\('${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}', '[\\d-]+'\\)\\.${property}\\b`);

describe.skipIf(skipped !== undefined)(
  `the deployment (infra/main.bicep, built by the Bicep CLI)${skipped ? ` — skipped: ${skipped}` : ''}`,
  () => {
    beforeAll(async () => {
      if ('missing' in cli) throw new Error(`CI never skips the infrastructure checks, and ${cli.missing}`);
      cliPath = cli.path;
      const built = await bicep(cliPath, ['build', 'infra/main.bicep', '--stdout']);
      expect(built.code, built.output).toBe(0);
      template = built.stdout;
      plain = await snapshotOf(cliPath, { environmentName: 'ci', location: 'swedencentral' });
      secured = await snapshotOf(cliPath, {
        environmentName: 'ci',
        location: 'swedencentral',
        allowedDriveIds: 'b!one, b!two',
        corsAllowedOrigins: 'https://app.contoso.example, https://admin.contoso.example',
        authClientId: BROKER_APP,
        authAllowedClientApplications: PAGE_APP,
      });
    }, 120_000);

    it('builds and lints every tracked .bicep file with no diagnostic at all', async () => {
      expect(tracked).toEqual(expect.arrayContaining(['infra/main.bicep', 'ops/querypack.bicep']));
      const out = mkdtempSync(path.join(tmpdir(), 'bicep-build-'));
      try {
        // One CLI run per folder and command (each run costs seconds): a pattern takes every .bicep file there.
        for (const folder of [...new Set(tracked.map((file) => path.dirname(file)))]) {
          const pattern = `${folder}/*.bicep`;
          for (const args of [
            ['build', '--pattern', pattern, '--outdir', path.join(out, folder)],
            ['lint', '--pattern', pattern],
          ]) {
            const result = await bicep(cliPath, args);
            expect({ args, code: result.code, diagnostics: result.output }).toEqual({ args, code: 0, diagnostics: '' });
          }
        }
        for (const file of tracked)
          expect(existsSync(path.join(out, file.replace(/\.bicep$/, '.json'))), file).toBe(true);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }, 120_000);

    it('lints with the rules that matter as errors: secrets in parameters or outputs, hard-coded locations and URLs, unused parameters', async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'bicep-lint-'));
      try {
        const file = path.join(folder, 'careless.bicep');
        writeFileSync(file, CARELESS_TEMPLATE);
        const result = await bicep(cliPath, ['lint', file, '--config', path.join(root, 'bicepconfig.json')]);
        expect(result.code).not.toBe(0);
        for (const rule of [
          'no-unused-params',
          'secure-secrets-in-params',
          'no-hardcoded-location',
          'no-hardcoded-env-urls',
          'outputs-should-not-contain-secrets',
        ]) {
          expect(result.output, rule).toContain(`: Error ${rule}:`);
        }
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it('holds no key: no listKeys, no AccountKey=, shared-key storage access off, no publishing credentials', () => {
      expect(template).not.toMatch(/listKeys/i);
      expect(template).not.toMatch(/AccountKey=/i);
      expect(JSON.stringify(plain)).not.toMatch(/listKeys|AccountKey=|SharedAccessSignature|listCredentials/i);
      const storage = one(plain, 'Microsoft.Storage/storageAccounts');
      expect(storage.properties).toMatchObject({
        allowSharedKeyAccess: false,
        allowBlobPublicAccess: false,
        minimumTlsVersion: 'TLS1_2',
        supportsHttpsTrafficOnly: true,
      });
      const policies = all(plain, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
      expect(policies.map((p) => [p.name.split('/').pop(), p.properties?.allow]).sort()).toEqual([
        ['ftp', false],
        ['scm', false],
      ]);
      const monitoring = one(plain, 'Microsoft.Insights/components');
      expect(monitoring.properties).toMatchObject({ DisableLocalAuth: true });
    });

    it.each(AZURE_SETTINGS)('sets %s, which the broker needs in Azure (shared/config.ts AZURE_SETTINGS)', (name) => {
      for (const snapshot of [plain, secured]) expect(Object.keys(settingsOf(snapshot))).toContain(name);
    });

    it('points the broker and the host at the storage and telemetry it made, with the identity and no secret', () => {
      const settings = settingsOf(plain);
      const identity = one(plain, 'Microsoft.ManagedIdentity/userAssignedIdentities');
      const storage = one(plain, 'Microsoft.Storage/storageAccounts');
      const insights = one(plain, 'Microsoft.Insights/components');
      expect(settings.AZURE_CLIENT_ID).toMatch(referenceTo(identity.id, 'clientId'));
      expect(settings.SESSION_TABLE_ENDPOINT).toMatch(referenceTo(storage.id, 'primaryEndpoints\\.table'));
      expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toMatch(referenceTo(insights.id, 'ConnectionString'));
      expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toMatch(
        /^\[format\('ClientId=\{0\};Authorization=AAD'/,
      );
      expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toMatch(referenceTo(identity.id, 'clientId'));
      expect(settings.AzureWebJobsStorage__credential).toBe('managedidentity');
      expect(settings.AzureWebJobsStorage__clientId).toMatch(referenceTo(identity.id, 'clientId'));
      expect(settings.AzureWebJobsStorage__blobServiceUri).toMatch(referenceTo(storage.id, 'primaryEndpoints\\.blob'));
      expect(settings.AzureWebJobsStorage__tableServiceUri).toMatch(
        referenceTo(storage.id, 'primaryEndpoints\\.table'),
      );
      // Identity-based host storage has no connection string; Flex sets the runtime in functionAppConfig, not here.
      for (const absent of [
        'AzureWebJobsStorage',
        'AzureWebJobsStorage__queueServiceUri',
        'FUNCTIONS_WORKER_RUNTIME',
      ]) {
        expect(settings, absent).not.toHaveProperty(absent);
      }
      expect(settings.ALLOWED_DRIVE_IDS).toBe('');
      expect(settingsOf(secured).ALLOWED_DRIVE_IDS).toBe('b!one, b!two');
    });

    it('grants each role by its GUID, on the narrowest scope that works, to the identity — and no queue role', () => {
      const identity = one(plain, 'Microsoft.ManagedIdentity/userAssignedIdentities');
      const storage = one(plain, 'Microsoft.Storage/storageAccounts');
      const insights = one(plain, 'Microsoft.Insights/components');
      const granted = all(plain, 'Microsoft.Authorization/roleAssignments').map((assignment) => {
        expect(assignment.properties).toMatchObject({ principalType: 'ServicePrincipal' });
        expect(assignment.properties?.principalId).toMatch(referenceTo(identity.id, 'principalId'));
        const role = String(assignment.properties?.roleDefinitionId);
        expect(role).toMatch(
          new RegExp(`^/subscriptions/${SUBSCRIPTION}/providers/Microsoft\\.Authorization/roleDefinitions/`),
        );
        return { role: role.split('/').pop(), scope: assignment.id.split('/providers/Microsoft.Authorization/')[0] };
      });
      expect(granted).toEqual(
        expect.arrayContaining([
          { role: ROLE.storageBlobDataOwner, scope: storage.id },
          { role: ROLE.storageTableDataContributor, scope: storage.id },
          { role: ROLE.monitoringMetricsPublisher, scope: insights.id },
        ]),
      );
      expect(granted).toHaveLength(3);
      expect(template).not.toContain(ROLE.storageQueueDataContributor);
    });

    it('runs a Flex Consumption (FC1) app on Node 22, HTTPS only, FTPS off, its package read with the identity', () => {
      const identity = one(plain, 'Microsoft.ManagedIdentity/userAssignedIdentities');
      const storage = one(plain, 'Microsoft.Storage/storageAccounts');
      const plan = one(plain, 'Microsoft.Web/serverfarms');
      expect(plan.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
      expect(plan.properties).toMatchObject({ reserved: true });
      const site = one(plain, 'Microsoft.Web/sites');
      expect(site.kind).toBe('functionapp,linux');
      expect(site.properties).toMatchObject({
        serverFarmId: plan.id,
        httpsOnly: true,
        siteConfig: { ftpsState: 'Disabled', minTlsVersion: '1.2' },
        functionAppConfig: {
          runtime: { name: 'node', version: '22' },
          deployment: {
            storage: {
              type: 'blobContainer',
              authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id },
            },
          },
        },
      });
      const container = one(plain, 'Microsoft.Storage/storageAccounts/blobServices/containers');
      const packageAt = (site.properties as { functionAppConfig: { deployment: { storage: { value: string } } } })
        .functionAppConfig.deployment.storage.value;
      expect(packageAt).toMatch(referenceTo(storage.id, 'primaryEndpoints\\.blob'));
      expect(packageAt).toContain(`'${container.name.split('/').pop()}'`);
      one(plain, 'Microsoft.Storage/storageAccounts/tableServices');
    });

    it('gives the app the user-assigned identity, and only it, that AZURE_CLIENT_ID names', () => {
      const identity = one(plain, 'Microsoft.ManagedIdentity/userAssignedIdentities');
      const site = one(plain, 'Microsoft.Web/sites');
      expect(site.identity?.type).toBe('UserAssigned');
      expect(Object.keys(site.identity?.userAssignedIdentities ?? {})).toEqual([identity.id]);
      expect(settingsOf(plain).AZURE_CLIENT_ID).toMatch(referenceTo(identity.id, 'clientId'));
    });

    it('turns App Service Authentication on only when its client id is given, and HTTP_AUTH_LEVEL=anonymous only then', () => {
      expect(all(plain, 'Microsoft.Web/sites/config').map((c) => c.name.split('/').pop())).toEqual(['appsettings']);
      expect(settingsOf(plain)).not.toHaveProperty('HTTP_AUTH_LEVEL');
      expect(settingsOf(secured).HTTP_AUTH_LEVEL).toBe('anonymous');
      const auth = one(secured, 'Microsoft.Web/sites/config', '/authsettingsV2');
      expect(auth.properties).toMatchObject({
        platform: { enabled: true },
        globalValidation: { requireAuthentication: true, unauthenticatedClientAction: 'Return401' },
        identityProviders: {
          azureActiveDirectory: {
            enabled: true,
            registration: { clientId: BROKER_APP },
            validation: {
              allowedAudiences: [`api://${BROKER_APP}`],
              defaultAuthorizationPolicy: { allowedApplications: [PAGE_APP] },
            },
          },
        },
      });
      const issuer = JSON.stringify(auth.properties);
      expect(issuer).toContain('environment().authentication.loginEndpoint');
    });

    it('allows exactly the CORS origins given, without credentials', () => {
      const cors = (site: PredictedResource) => (site.properties as { siteConfig: { cors: unknown } }).siteConfig.cors;
      expect(cors(one(plain, 'Microsoft.Web/sites'))).toEqual({ allowedOrigins: [], supportCredentials: false });
      expect(cors(one(secured, 'Microsoft.Web/sites'))).toEqual({
        allowedOrigins: ['https://app.contoso.example', 'https://admin.contoso.example'],
        supportCredentials: false,
      });
    });

    it("deploys the operator's query pack with every query", () => {
      one(plain, 'Microsoft.OperationalInsights/queryPacks');
      expect(all(plain, 'Microsoft.OperationalInsights/queryPacks/queries')).toHaveLength(4);
    });

    it('outputs no secret, and the identity azd hands to the postprovision hook that prints the grant command', () => {
      const identity = one(plain, 'Microsoft.ManagedIdentity/userAssignedIdentities');
      expect(plain.outputs.BROKER_IDENTITY_PRINCIPAL_ID).toMatch(referenceTo(identity.id, 'principalId'));
      expect(JSON.stringify(plain.outputs)).not.toMatch(/ConnectionString|listKeys|secret|password|key/i);
      const azureYaml = readFileSync(path.join(root, 'azure.yaml'), 'utf8');
      const hook = azureYaml.slice(azureYaml.indexOf('postprovision:'));
      expect(hook).toContain('npm run grant-graph-access -- --identity $BROKER_IDENTITY_PRINCIPAL_ID');
      expect(hook).toContain('npm run grant-graph-access -- --identity $env:BROKER_IDENTITY_PRINCIPAL_ID');
    });

    it('gets every parameter without a default from main.parameters.json, which names no other', () => {
      const compiled = JSON.parse(template) as { parameters: Record<string, { defaultValue?: unknown }> };
      const file = JSON.parse(readFileSync(path.join(root, 'infra/main.parameters.json'), 'utf8')) as {
        parameters: Record<string, unknown>;
      };
      const required = Object.entries(compiled.parameters).filter(([, p]) => !('defaultValue' in p));
      expect(Object.keys(file.parameters)).toEqual(expect.arrayContaining(required.map(([name]) => name)));
      expect(Object.keys(compiled.parameters)).toEqual(expect.arrayContaining(Object.keys(file.parameters)));
    });
  },
);

// A valid value of each: a setting added to AZURE_SETTINGS needs one here, or this does not compile.
const SAMPLE: Record<(typeof AZURE_SETTINGS)[number], string> = {
  AZURE_CLIENT_ID: '0b6f7c2e-1d3a-4e5f-8a9b-0c1d2e3f4a5b',
  SESSION_TABLE_ENDPOINT: 'https://stbroker.table.core.windows.net/',
  ALLOWED_DRIVE_IDS: 'b!one,b!two',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=0b6f7c2e-1d3a-4e5f-8a9b-0c1d2e3f4a5b;Authorization=AAD',
};

describe('AZURE_SETTINGS (shared/config.ts)', () => {
  it.each(AZURE_SETTINGS)('%s is a setting the broker reads', (name) => {
    const base = { GRAPH_BASE_URL: 'https://graph.example' };
    expect(loadConfig({ ...base, [name]: SAMPLE[name] })).not.toEqual(loadConfig(base));
  });

  it('reads APPLICATIONINSIGHTS_AUTHENTICATION_STRING as Application Insights documents it, and refuses anything else', () => {
    const read = (value: string) =>
      loadConfig({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: value }).appInsightsAuthentication;
    expect(read('ClientId=abc;Authorization=AAD')).toEqual({ clientId: 'abc' });
    expect(read('authorization=aad')).toEqual({ clientId: undefined });
    expect(() => read('ClientId=abc')).toThrow(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be "Authorization=AAD"/);
  });
});

// Every line breaks one rule bicepconfig.json makes an error.
const CARELESS_TEMPLATE = `param unused string
param adminPassword string = 'not a secure parameter'
resource store 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stcareless'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
}
output portal string = 'https://management.azure.com/\${adminPassword}'
output key string = store.listKeys().keys[0].value
`;
