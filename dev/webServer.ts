import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** The example page's settings, as `web/config.json` holds them; served to the page as its config.json. */
export interface WebPageConfig {
  readonly brokerUrl: string;
  readonly workbook: {
    readonly driveId: string;
    readonly itemId: string;
    readonly worksheet: string;
    readonly table: string;
  };
  readonly idleTimeoutSeconds: number;
  readonly auth: { readonly clientId: string; readonly tenantId: string; readonly scope: string } | null;
}

export interface WebServer {
  /** The page's address, e.g. `http://127.0.0.1:5173/`; its origin is what the broker's CORS must allow. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** MSAL.js's browser bundle (msal-common inside), served from node_modules: nothing is fetched from a CDN. */
const MSAL_BUNDLE = 'node_modules/@azure/msal-browser/lib/msal-browser.min.js';

/**
 * Serves the example page in `web/` as a static site would, on an origin of its own: the page's files, its
 * config.json (the settings given here, so a test or `npm run web` can point it at any broker), and MSAL.js's
 * bundle at vendor/. Only files in web/ with a page's extensions are served; nothing above it.
 */
export async function startWebServer(options: {
  root: string;
  /** Read on each request for config.json: a test can start the page first and point it at a broker later. */
  config: () => WebPageConfig;
  port?: number;
  hostname?: string;
}): Promise<WebServer> {
  const web = path.join(options.root, 'web');
  const server = createServer((request, response) => {
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'Method not allowed');
    const pathname = new URL(request.url ?? '/', 'http://page').pathname;
    if (pathname === '/config.json')
      return send(200, JSON.stringify(options.config(), null, 2), 'application/json; charset=utf-8');
    const file =
      pathname === '/vendor/msal-browser.min.js' ? path.join(options.root, MSAL_BUNDLE) : pageFile(web, pathname);
    const type = file && TYPES[path.extname(file)];
    if (!file || !type) return send(404, 'Not found');
    readFile(file).then(
      (body) => send(200, body, type),
      () => send(404, 'Not found'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${options.hostname ?? '127.0.0.1'}:${port}`;
  return {
    url: `${origin}/`,
    origin,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A file directly in web/, or undefined for anything else: sub-folders, dot-files, anything percent-encoded. */
function pageFile(web: string, pathname: string): string | undefined {
  const name = pathname === '/' ? 'index.html' : pathname.slice(1);
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) ? path.join(web, name) : undefined;
}
