/**
 * The broker's settings, read once from the environment (app settings in Azure, `local.settings.json` locally),
 * validated and frozen. A bad value fails fast with the setting's name, so a misconfigured deployment says what is
 * wrong on its first invocation instead of misbehaving later. Names and defaults are the contract's.
 */
export interface Config {
  readonly graphBaseUrl: string;
  readonly managedIdentityClientId: string | undefined;
  /** IDENTITY_ENDPOINT + IDENTITY_HEADER both set: the managed-identity credential is used as it is. */
  readonly managedIdentityEndpoint: boolean;
  readonly tableEndpoint: string | undefined;
  readonly tableConnection: string | undefined;
  readonly tableName: string;
  /** `'*'` = any drive; otherwise the exact drive ids served (empty = none). */
  readonly allowedDriveIds: '*' | ReadonlySet<string>;
  readonly idleTimeoutSeconds: number;
  readonly maxIdleTimeoutSeconds: number;
  readonly refreshAfterSeconds: number;
  readonly retentionSeconds: number;
  readonly sweepConcurrency: number;
  /** How far "one call at a time per workbook" reaches: every instance (a lease in the table), or this one. */
  readonly workbookLease: 'table' | 'instance';
  readonly appInsightsConnectionString: string | undefined;
  /**
   * APPLICATIONINSIGHTS_AUTHENTICATION_STRING (`Authorization=AAD`, optionally `;ClientId=<id>`): telemetry is sent
   * with a managed identity's token, as Application Insights requires once its local authentication is off.
   * Undefined: sent with the connection string's key alone.
   */
  readonly appInsightsAuthentication: { readonly clientId: string | undefined } | undefined;
  /**
   * The broker's own address for the `Location`s it hands out: PUBLIC_BASE_URL, else `https://$WEBSITE_HOSTNAME`
   * (set by App Service; `http://` for a loopback host, as the local host sets it). Never a request's `Host` header,
   * which anyone can forge. Undefined: Locations are relative to the host the caller used.
   */
  readonly publicBaseUrl: string | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The settings a deployment in Azure must set, because their defaults serve only a local run. `infra/` sets each one,
 * and test/infra.test.ts proves it on the compiled template, so a setting added here cannot be forgotten there.
 * - AZURE_CLIENT_ID: unset, the broker asks for a system-assigned identity, and the deployment has only its own.
 * - SESSION_TABLE_ENDPOINT: unset, the table falls back to AzureWebJobsStorage's connection string, which an
 *   identity-based host storage does not have.
 * - ALLOWED_DRIVE_IDS: unset serves no drive.
 * - APPLICATIONINSIGHTS_CONNECTION_STRING: unset sends no telemetry, and the operator's queries find nothing.
 * - APPLICATIONINSIGHTS_AUTHENTICATION_STRING: unset, telemetry goes without a token, which Application Insights
 *   refuses once its local authentication is off.
 */
export const AZURE_SETTINGS = [
  'AZURE_CLIENT_ID',
  'SESSION_TABLE_ENDPOINT',
  'ALLOWED_DRIVE_IDS',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
] as const;

/** The contract's default: every minute (NCRONTAB, seconds first). */
export const DEFAULT_SWEEP_SCHEDULE = '0 */1 * * * *';

// Six fields of digits, names (MON, JAN), `*`, `?`, ranges, lists and steps — the Functions timer's NCRONTAB
// (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions).
const NCRONTAB = /^[\w*?,/-]+( [\w*?,/-]+){5}$/;

/**
 * HTTP_AUTH_LEVEL as the function registrations need it (before any invocation, so it cannot throw there):
 * `function` when unset, `undefined` for a value that is neither — loadConfig names it then.
 */
export function httpAuthLevelOf(env: Environment): 'function' | 'anonymous' | undefined {
  const value = env.HTTP_AUTH_LEVEL?.trim() || 'function';
  return value === 'function' || value === 'anonymous' ? value : undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Environment): Config {
  const { text, integer, url } = settingReader(env);

  // Not kept: HTTP_AUTH_LEVEL and SWEEP_SCHEDULE are read when the functions are registered, before any invocation
  // (host/declare.ts, host/resolveSchedule.ts). Checked here all the same, so a bad value is named: npm start stops,
  // and in Azure every invocation logs it.
  if (httpAuthLevelOf(env) === undefined) {
    throw new ConfigError(
      `Setting HTTP_AUTH_LEVEL must be "function" or "anonymous"; got "${text('HTTP_AUTH_LEVEL') ?? ''}".`,
    );
  }
  const sweepSchedule = text('SWEEP_SCHEDULE') ?? DEFAULT_SWEEP_SCHEDULE;
  if (!NCRONTAB.test(sweepSchedule)) {
    throw new ConfigError(
      `Setting SWEEP_SCHEDULE must be a six-field NCRONTAB expression (seconds first); got "${sweepSchedule}".`,
    );
  }
  const workbookLease = text('WORKBOOK_LEASE') ?? 'table';
  if (workbookLease !== 'table' && workbookLease !== 'instance') {
    throw new ConfigError(`Setting WORKBOOK_LEASE must be "table" or "instance"; got "${workbookLease}".`);
  }
  const drives = text('ALLOWED_DRIVE_IDS');
  const idleTimeoutSeconds = integer('SESSION_IDLE_TIMEOUT_SECONDS', 1800, 60, 31_536_000);
  const maxIdleTimeoutSeconds = integer('SESSION_MAX_IDLE_TIMEOUT_SECONDS', 86_400, 60, 31_536_000);
  if (idleTimeoutSeconds > maxIdleTimeoutSeconds) {
    throw new ConfigError('Setting SESSION_IDLE_TIMEOUT_SECONDS must not exceed SESSION_MAX_IDLE_TIMEOUT_SECONDS.');
  }

  return Object.freeze({
    graphBaseUrl: url('GRAPH_BASE_URL', 'https://graph.microsoft.com/v1.0') as string,
    managedIdentityClientId: text('AZURE_CLIENT_ID'),
    managedIdentityEndpoint: Boolean(text('IDENTITY_ENDPOINT') && text('IDENTITY_HEADER')),
    tableEndpoint: url('SESSION_TABLE_ENDPOINT'),
    tableConnection: text('SESSION_TABLE_CONNECTION') ?? text('AzureWebJobsStorage'),
    tableName: tableName(text('SESSION_TABLE_NAME') ?? 'WorkbookSessions'),
    allowedDriveIds:
      drives === '*'
        ? '*'
        : new Set(
            (drives ?? '')
              .split(',')
              .map((d) => d.trim())
              .filter(Boolean),
          ),
    idleTimeoutSeconds,
    maxIdleTimeoutSeconds,
    refreshAfterSeconds: integer('SESSION_REFRESH_AFTER_SECONDS', 180, 10, 3600),
    retentionSeconds: integer('SESSION_RETENTION_SECONDS', 86_400, 0, 31_536_000),
    sweepConcurrency: integer('SWEEP_CONCURRENCY', 8, 1, 256),
    workbookLease,
    appInsightsConnectionString: text('APPLICATIONINSIGHTS_CONNECTION_STRING'),
    appInsightsAuthentication: appInsightsAuthentication(text('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')),
    publicBaseUrl: url('PUBLIC_BASE_URL') ?? siteUrl(text('WEBSITE_HOSTNAME')),
  });
}

/** Reads settings by name, trimmed (blank is unset), and fails with the setting's name when one is malformed. */
function settingReader(env: Environment) {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      throw new ConfigError(`Setting ${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
    }
    return value;
  };
  const url = (name: string, fallback?: string): string | undefined => {
    const raw = text(name) ?? fallback;
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('scheme');
    } catch {
      throw new ConfigError(`Setting ${name} must be an http(s) URL; got "${raw}".`);
    }
    return raw.replace(/\/+$/, '');
  };
  return { text, integer, url };
}

function siteUrl(hostname: string | undefined): string | undefined {
  if (hostname === undefined) return undefined;
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(hostname)) {
    throw new ConfigError(`Setting WEBSITE_HOSTNAME must be a host name, optionally with a port; got "${hostname}".`);
  }
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(hostname);
  return `${loopback ? 'http' : 'https'}://${hostname}`;
}

/**
 * `Authorization=AAD;ClientId=<client id>` (keys in any case and order; no ClientId = the system-assigned identity),
 * the format the Functions host and the Application Insights SDKs read:
 * https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication#environment-variable-configuration
 */
function appInsightsAuthentication(value: string | undefined): Config['appInsightsAuthentication'] {
  if (value === undefined) return undefined;
  const fields = new Map(
    value
      .split(';')
      .map((pair) => pair.split('=').map((part) => part.trim()))
      .filter((pair): pair is [string, string] => pair.length === 2)
      .map(([key, field]) => [key.toLowerCase(), field]),
  );
  if (fields.get('authorization')?.toUpperCase() !== 'AAD') {
    throw new ConfigError(
      `Setting APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be "Authorization=AAD" with an optional ";ClientId=<id>"; got "${value}".`,
    );
  }
  return { clientId: fields.get('clientid') || undefined };
}

/** Table names: 3–63 alphanumerics starting with a letter (Azure Table service rule). */
function tableName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(name)) {
    throw new ConfigError(
      `Setting SESSION_TABLE_NAME must be 3-63 letters or digits, starting with a letter; got "${name}".`,
    );
  }
  return name;
}
