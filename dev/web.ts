import { readFileSync } from 'node:fs';
import path from 'node:path';
import { toCorsOptions } from './cors';
import { readLocalSettings } from './localSettings';
import { startWebServer, type WebPageConfig } from './webServer';

/** Vite's port, and one of the origins local.settings.json's Host.CORS allows. */
const DEFAULT_WEB_PORT = 5173;

/**
 * `npm run web`: the example page on http://localhost:5173, beside `npm start`. The page's settings are
 * web/config.json's; the environment points it elsewhere: `BROKER_URL` (default: the local host's `…/api` on
 * `PORT` or Host.LocalHttpPort), and for a broker behind App Service Authentication `ENTRA_CLIENT_ID` (the page's
 * app registration), `ENTRA_TENANT_ID` and `BROKER_API_SCOPE` (`api://<broker-client-id>/user_impersonation`).
 */
async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const env = process.env;
  const settings = readLocalSettings(path.join(root, 'local.settings.json'));
  const defaults = JSON.parse(readFileSync(path.join(root, 'web', 'config.json'), 'utf8')) as WebPageConfig;
  const brokerUrl = env.BROKER_URL ?? `http://localhost:${env.PORT ?? settings.port ?? 7071}/api`;
  const config: WebPageConfig = { ...defaults, brokerUrl, auth: authFrom(env) ?? defaults.auth };
  const port = Number(env.WEB_PORT ?? DEFAULT_WEB_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('WEB_PORT must be a TCP port number.');

  const server = await startWebServer({ root, config: () => config, port });
  const origin = `http://localhost:${server.port}`;
  console.log(`Page: ${origin}/ (web/), calling the broker at ${brokerUrl}`);
  console.log(
    config.auth
      ? `Sign-in: Entra ID, tenant ${config.auth.tenantId}, scope ${config.auth.scope}`
      : 'Sign-in: none (the local stack checks no token)',
  );
  const cors = toCorsOptions(settings.cors, settings.corsCredentials);
  const allowed = cors?.origins.some((o) => o === '*' || o.replace(/\/+$/, '').toLowerCase() === origin);
  if (!config.auth && !allowed) {
    console.log(
      `Note: ${origin} is not in Host.CORS in local.settings.json, so the local broker will not let this page read its answers.`,
    );
  }
  console.log('Ctrl-C stops it.');
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** All three Entra ID settings, or none; one or two alone is a mistake, named. */
function authFrom(env: NodeJS.ProcessEnv): WebPageConfig['auth'] | undefined {
  const names = ['ENTRA_CLIENT_ID', 'ENTRA_TENANT_ID', 'BROKER_API_SCOPE'] as const;
  const missing = names.filter((name) => !env[name]);
  if (missing.length === names.length) return undefined;
  if (missing.length > 0) throw new Error(`Sign-in needs ${names.join(', ')}; missing: ${missing.join(', ')}.`);
  return { clientId: env.ENTRA_CLIENT_ID!, tenantId: env.ENTRA_TENANT_ID!, scope: env.BROKER_API_SCOPE! };
}

main().catch((error: unknown) => {
  console.error(`Could not start the page: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
