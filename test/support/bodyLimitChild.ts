/*
 * The local host in a process of its own, so a test can measure what request bodies cost it (its RSS) without the
 * test's own allocations in the figure. Nothing behind it is reachable: an oversized body must be refused before
 * Graph or the table would be called. Reports its port, then answers `rss` with its current and peak RSS in bytes.
 */
import { startLocalHost } from '../../dev/localHost';
import { createDeps } from '../../host/productionDeps';
import { loadConfig } from '../../shared/config';

async function main(): Promise<void> {
  const deps = createDeps(
    loadConfig({
      GRAPH_BASE_URL: 'http://127.0.0.1:9/v1.0',
      SESSION_TABLE_CONNECTION:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
      ALLOWED_DRIVE_IDS: '*',
    }),
  );
  const host = await startLocalHost({ port: 0, deps: () => deps, timers: false, log: () => undefined });
  process.on('message', (message) => {
    if (message === 'rss')
      process.send?.({ rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024 });
    if (message === 'stop') void host.close().then(() => process.exit(0));
  });
  process.send?.({ port: host.port });
}

void main();
