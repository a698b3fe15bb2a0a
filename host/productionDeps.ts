import { isThrottling } from '../shared/graph/throttling';
import { GRAPH_CALL_TIMEOUT_MS } from '../shared/budgets';
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { loadConfig, type Config } from '../shared/config';
import type { Clock, Deps } from '../shared/deps';
import { cachedToken, type ExpiringToken, type TokenSource } from '../shared/graph/cachedToken';
import type { ManagedIdentityApplication } from '@azure/msal-node';
import { createGraphClient } from '../shared/graph/graphClient';
import { createWorkbookGate, type WorkbookGate } from '../shared/gate/workbookGate';
import { createLeaseStore } from '../shared/store/workbookLeaseStore';
import { createTableAccess, type TableTarget } from '../shared/store/tableAccess';
import { partitionKeyOf } from '../shared/store/sessionKeys';
import { cachedSessionStore } from '../shared/store/cachedSessionStore';
import { createSessionStore } from '../shared/store/sessionStore';
import type { Telemetry } from '../shared/telemetry/telemetry';
import { createTelemetry } from './createTelemetry';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

let built: Deps | undefined;

/**
 * The production wiring, built on first invocation (not at load, to keep cold start short) from the environment:
 * app settings in Azure, `local.settings.json` values under the local host.
 */
export function productionDeps(): Deps {
  built ??= createDeps(loadConfig(process.env));
  return built;
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** What a test may set beside the clock: a telemetry it watches, and Graph call timings short enough to wait out. */
export interface TestTuning {
  readonly telemetry?: Telemetry;
  readonly graphCallTimeoutMs?: number;
  readonly graphCallHoldMs?: number;
}

/**
 * The clock is the effect tests replace here, and a test may watch telemetry; everything else is real and configured
 * by `config`.
 */
export function createDeps(config: Config, clock: Clock = systemClock, watch: TestTuning = {}): Deps {
  const credential = lazyCredential(config);
  const now = () => clock.now();
  const sleep = (ms: number) => clock.sleep(ms);
  const every: Clock['every'] = (ms, tick) => clock.every(ms, tick);
  const telemetry = watch.telemetry ?? createTelemetry(config);
  const target = new URL(config.graphBaseUrl).host;
  const token = cachedToken(graphTokens(config, credential), () => Date.now());
  const table: TableTarget = config.tableEndpoint
    ? { endpoint: config.tableEndpoint, credential, tableName: config.tableName }
    : { connectionString: requireConnection(config), tableName: config.tableName };
  return {
    config,
    now,
    sleep,
    every,
    newRequestId: randomUUID,
    telemetry,
    gate: workbookGate(config, table, { now, sleep, every }, telemetry),
    graph: createGraphClient({
      baseUrl: config.graphBaseUrl,
      fetch: (input, init) => fetch(input, init),
      now,
      sleep,
      random: Math.random,
      timeoutMs: watch.graphCallTimeoutMs ?? GRAPH_CALL_TIMEOUT_MS,
      ...(watch.graphCallHoldMs === undefined ? {} : { holdMs: watch.graphCallHoldMs }),
      onCall: (call) => {
        telemetry.dependency({
          name: call.action,
          method: call.method,
          target,
          status: call.status,
          durationMs: call.durationMs,
          success: call.status >= 200 && call.status < 300,
        });
        if (isThrottling(call.status, call.retryAfterSeconds)) {
          telemetry.event('GraphThrottled', {
            action: call.action,
            status: call.status,
            retryAfterSeconds: call.retryAfterSeconds,
          });
        }
      },
      getToken: () => token.get(),
      dropToken: (refused) => token.drop(refused),
    }),
    store: cachedSessionStore(createSessionStore(table)),
  };
}

/**
 * `instance`: the in-process line alone. `table`: the same line, whose head then takes the workbook's lease in the
 * session table, so calls from every instance (and the sweep) take turns too.
 */
function workbookGate(
  config: Config,
  table: TableTarget,
  clock: Pick<Clock, 'now' | 'sleep' | 'every'>,
  telemetry: Telemetry,
): WorkbookGate {
  return createWorkbookGate({
    ...clock,
    random: Math.random,
    ...(config.workbookLease === 'table' ? { leases: createLeaseStore(createTableAccess(table)) } : {}),
    // Both mean a call ran without the lease's guard across instances: rare, and worth an operator's look.
    onLost: (workbook) => telemetry.event('WorkbookLeaseLost', { workbook: partitionKeyOf(workbook) }),
    onUnguarded: (workbook) => telemetry.event('WorkbookLeaseUnavailable', { workbook: partitionKeyOf(workbook) }),
  });
}

function requireConnection(config: Config): string {
  if (!config.tableConnection) {
    throw new Error(
      'Set SESSION_TABLE_ENDPOINT, SESSION_TABLE_CONNECTION or AzureWebJobsStorage for the session table.',
    );
  }
  return config.tableConnection;
}

/**
 * The identity, loaded on first token request. Where the platform's managed-identity variables are set
 * (IDENTITY_ENDPOINT + IDENTITY_HEADER: App Service, Functions, or the local endpoint) the managed-identity
 * credential is used as it is; elsewhere DefaultAzureCredential, so a developer signed in with the Azure CLI can
 * point a local run at real Graph. The SDK caches tokens and renews them 5 minutes before expiry.
 */
function lazyCredential(config: Config): TokenCredential & { reload(): void } {
  let credential: Promise<TokenCredential> | undefined;
  const load = async (): Promise<TokenCredential> => {
    const identity = await import('@azure/identity');
    const retryOptions = { maxRetries: 2 };
    if (config.managedIdentityEndpoint) {
      return new identity.ManagedIdentityCredential({ clientId: config.managedIdentityClientId, retryOptions });
    }
    return new identity.DefaultAzureCredential({
      managedIdentityClientId: config.managedIdentityClientId,
      retryOptions,
    });
  };
  return {
    async getToken(scopes, options) {
      // A failed load (a broken install) is not kept: the next token request tries again.
      credential ??= load().catch((error: unknown) => {
        credential = undefined;
        throw error;
      });
      return (await credential).getToken(scopes, options);
    },
    reload() {
      credential = undefined;
    },
  };
}

/**
 * Graph tokens: the credential's, and after Graph refused one (401) a renewed one that no cache answers.
 *
 * A new ManagedIdentityCredential does not renew: it reads MSAL's token cache, which the whole process shares, and
 * @azure/identity 4.x neither passes `claims` nor offers a forced refresh to MSAL. MSAL's own managed-identity client
 * does — `acquireToken({ forceRefresh: true })` asks the identity endpoint whatever the cache holds
 * (https://learn.microsoft.com/javascript/api/@azure/msal-node/managedidentityrequestparams) — and stores the new
 * token in that shared cache, so the credential serves it from then on too. Other credentials (a developer's Azure
 * CLI sign-in) keep no token in this process: building them anew is enough.
 */
function graphTokens(config: Config, credential: ReturnType<typeof lazyCredential>): TokenSource {
  const resource = GRAPH_SCOPE.replace(/\/\.default$/, '');
  let msalApp: Promise<ManagedIdentityApplication> | undefined;
  const current = async (): Promise<ExpiringToken> => {
    const fetched = await credential.getToken(GRAPH_SCOPE);
    if (!fetched) throw new Error('no token');
    return fetched;
  };
  return {
    current,
    async renewed() {
      if (!config.managedIdentityEndpoint) {
        credential.reload();
        return current();
      }
      msalApp ??= import('@azure/msal-node').then(
        (msal) =>
          new msal.ManagedIdentityApplication({
            ...(config.managedIdentityClientId
              ? { managedIdentityIdParams: { userAssignedClientId: config.managedIdentityClientId } }
              : {}),
          }),
      );
      const result = await (await msalApp).acquireToken({ resource, forceRefresh: true });
      if (result.expiresOn === null) throw new Error('The identity gave a token without an expiry.');
      return { token: result.accessToken, expiresOnTimestamp: result.expiresOn.getTime() };
    },
  };
}
