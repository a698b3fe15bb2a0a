import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback proxy in front of Azurite's table endpoint that counts every request and tells the workbook lease row's
 * (RowKey `lease`) from the records': what a test or a bench asserts "table operations per call" with, counted at the
 * wire rather than inferred. Requests pass unchanged (the shared-key signature covers the path, kept as it is).
 */
export interface CountingTableProxy {
  /** The Azurite connection string, its TableEndpoint pointed at the proxy. */
  readonly connectionString: string;
  counts(): { all: number; lease: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingTableProxy(azuriteConnectionString: string): Promise<CountingTableProxy> {
  const target = tableEndpointOf(azuriteConnectionString);
  let all = 0;
  let lease = 0;
  const server: Server = createServer((incoming: IncomingMessage, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      all += 1;
      const url = decodeURIComponent(incoming.url ?? '');
      if (url.includes("RowKey='lease'") || body.includes('"RowKey":"lease"')) lease += 1;
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => outgoing.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}${target.pathname}`;
  return {
    connectionString: azuriteConnectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${endpoint}`),
    counts: () => ({ all, lease }),
    reset: () => void ((all = 0), (lease = 0)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function tableEndpointOf(connectionString: string): URL {
  const endpoint = /TableEndpoint=([^;]+)/.exec(connectionString)?.[1];
  if (endpoint === undefined) throw new Error('The connection string names no TableEndpoint.');
  return new URL(endpoint);
}
