import { describe, expect, it } from 'vitest';
import { resolveSchedule } from '../host/resolveSchedule';
import { ConfigError, DEFAULT_SWEEP_SCHEDULE, httpAuthLevelOf, loadConfig } from '../shared/config';

describe('settings', () => {
  it('applies the contract defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      graphBaseUrl: 'https://graph.microsoft.com/v1.0',
      tableName: 'WorkbookSessions',
      idleTimeoutSeconds: 1800,
      maxIdleTimeoutSeconds: 86_400,
      refreshAfterSeconds: 180,
      retentionSeconds: 86_400,
      sweepConcurrency: 8,
      workbookLease: 'table',
      appInsightsConnectionString: undefined,
      managedIdentityEndpoint: false,
    });
    expect(config.allowedDriveIds).toEqual(new Set());
    expect(Object.isFrozen(config)).toBe(true);
    // SWEEP_SCHEDULE and HTTP_AUTH_LEVEL are read where the host registers the functions (host/declare.ts).
    expect(resolveSchedule('%SWEEP_SCHEDULE%', {}, { SWEEP_SCHEDULE: DEFAULT_SWEEP_SCHEDULE })).toBe('0 */1 * * * *');
    expect(httpAuthLevelOf({})).toBe('function');
  });

  it('falls back from SESSION_TABLE_CONNECTION to AzureWebJobsStorage', () => {
    expect(loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }).tableConnection).toBe(
      'UseDevelopmentStorage=true',
    );
    expect(loadConfig({ AzureWebJobsStorage: 'a', SESSION_TABLE_CONNECTION: 'b' }).tableConnection).toBe('b');
  });

  it('reads ALLOWED_DRIVE_IDS as a trimmed list, or * for any drive', () => {
    expect(loadConfig({ ALLOWED_DRIVE_IDS: '*' }).allowedDriveIds).toBe('*');
    expect(loadConfig({ ALLOWED_DRIVE_IDS: ' b!one , b!two,,' }).allowedDriveIds).toEqual(new Set(['b!one', 'b!two']));
  });

  it('uses the managed-identity endpoint only when both IDENTITY_ENDPOINT and IDENTITY_HEADER are set', () => {
    expect(loadConfig({ IDENTITY_ENDPOINT: 'http://127.0.0.1:1/x' }).managedIdentityEndpoint).toBe(false);
    expect(
      loadConfig({ IDENTITY_ENDPOINT: 'http://127.0.0.1:1/x', IDENTITY_HEADER: 'h' }).managedIdentityEndpoint,
    ).toBe(true);
  });

  it.each([
    ['SESSION_IDLE_TIMEOUT_SECONDS', 'ten'],
    ['SESSION_IDLE_TIMEOUT_SECONDS', '-1'],
    ['SESSION_REFRESH_AFTER_SECONDS', '1.5'],
    ['SWEEP_CONCURRENCY', '0'],
    ['GRAPH_BASE_URL', 'graph.microsoft.com'],
    ['GRAPH_BASE_URL', 'ftp://graph'],
    ['SESSION_TABLE_NAME', 'bad-name'],
    ['HTTP_AUTH_LEVEL', 'admin'],
    ['WORKBOOK_LEASE', 'blob'],
    ['SWEEP_SCHEDULE', 'every minute'],
    ['SWEEP_SCHEDULE', '*/5 * * * *'],
    ['PUBLIC_BASE_URL', 'broker.example'],
    ['WEBSITE_HOSTNAME', 'a b'],
  ])('fails fast on %s=%s, naming the setting', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('accepts a six-field SWEEP_SCHEDULE and builds Locations from PUBLIC_BASE_URL, else the site host name', () => {
    expect(() => loadConfig({ SWEEP_SCHEDULE: '30 */5 * * * MON-FRI' })).not.toThrow();
    expect(resolveSchedule('%SWEEP_SCHEDULE%', { SWEEP_SCHEDULE: '30 */5 * * * MON-FRI' }, {})).toBe(
      '30 */5 * * * MON-FRI',
    );
    expect(
      loadConfig({ PUBLIC_BASE_URL: 'https://excel.contoso.com/', WEBSITE_HOSTNAME: 'x.azurewebsites.net' })
        .publicBaseUrl,
    ).toBe('https://excel.contoso.com');
    expect(loadConfig({ WEBSITE_HOSTNAME: 'x.azurewebsites.net' }).publicBaseUrl).toBe('https://x.azurewebsites.net');
    expect(loadConfig({ WEBSITE_HOSTNAME: '127.0.0.1:7071' }).publicBaseUrl).toBe('http://127.0.0.1:7071');
    expect(loadConfig({}).publicBaseUrl).toBeUndefined();
  });

  it('reads WORKBOOK_LEASE as table or instance', () => {
    expect(loadConfig({ WORKBOOK_LEASE: 'instance' }).workbookLease).toBe('instance');
    expect(loadConfig({ WORKBOOK_LEASE: ' table ' }).workbookLease).toBe('table');
  });

  it('refuses a default idle timeout above the maximum', () => {
    expect(() =>
      loadConfig({ SESSION_IDLE_TIMEOUT_SECONDS: '7200', SESSION_MAX_IDLE_TIMEOUT_SECONDS: '3600' }),
    ).toThrow('SESSION_IDLE_TIMEOUT_SECONDS');
  });
});
