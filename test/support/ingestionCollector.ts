import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

/** One Application Insights envelope as the ingestion endpoint receives it (Breeze `TelemetryItem`). */
export interface Envelope {
  readonly name: string;
  readonly iKey?: string;
  readonly tags?: Record<string, string>;
  readonly data?: {
    readonly baseType?: string;
    readonly baseData?: {
      readonly name?: string;
      readonly type?: string;
      readonly target?: string;
      readonly resultCode?: string;
      readonly duration?: string;
      readonly success?: boolean;
      readonly data?: string;
      readonly properties?: Record<string, string>;
      readonly measurements?: Record<string, number>;
    };
  };
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body as sent, decompressed. */
  readonly text: string;
  readonly envelopes: readonly Envelope[];
}

export interface IngestionCollector {
  /** For the connection string: `IngestionEndpoint=${url}/`. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted, including any whose TLS handshake failed. */
  connections(): number;
  envelopes(): Envelope[];
  close(): Promise<void>;
}

/**
 * A stand-in for Application Insights ingestion on 127.0.0.1 over TLS (the SDK upgrades an http:// endpoint to
 * https, so it must be TLS). It records every request and answers `POST /v2.1/track` as Breeze does — 200 with
 * `itemsReceived` / `itemsAccepted` — and anything else with 404. Bodies are a JSON array of envelopes, possibly
 * gzip'd; newline-delimited JSON (what the 2.x SDK sent) is read too.
 */
export async function startIngestionCollector(tls: { cert: Buffer; key: Buffer }): Promise<IngestionCollector> {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = decode(Buffer.concat(chunks), req.headers['content-encoding']);
      const envelopes = parseEnvelopes(text);
      const path = (req.url ?? '').split('?')[0] ?? '';
      requests.push({ method: req.method ?? '', path, headers: req.headers, text, envelopes });
      const tracked = req.method === 'POST' && path === '/v2.1/track';
      res.writeHead(tracked ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        tracked ? JSON.stringify({ itemsReceived: envelopes.length, itemsAccepted: envelopes.length, errors: [] }) : '',
      );
    });
  });
  server.on('connection', () => void connections++);
  server.on('tlsClientError', () => undefined); // a client that does not trust us is counted, not fatal
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    envelopes: () => requests.flatMap((r) => r.envelopes),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function decode(body: Buffer, encoding: string | undefined): string {
  if (encoding === 'gzip') return gunzipSync(body).toString('utf8');
  if (encoding === 'deflate') return inflateSync(body).toString('utf8');
  return body.toString('utf8');
}

function parseEnvelopes(text: string): Envelope[] {
  if (!text.trim()) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return (Array.isArray(parsed) ? parsed : [parsed]) as Envelope[];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Envelope);
  }
}
