import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface SelfSignedCertificate {
  /** PEM files; `certPath` is what a child process trusts through NODE_EXTRA_CA_CERTS. */
  readonly certPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  remove(): Promise<void>;
}

/**
 * A throwaway certificate for 127.0.0.1, made with the `openssl` CLI (Node can make key pairs but not X.509
 * certificates). A P-256 key keeps generation in milliseconds; the SAN is what Node checks, not the CN.
 */
export async function selfSignedCertificate(): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'broker-cert-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-nodes',
      '-days',
      '2',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'The telemetry test needs the openssl CLI (1.1.1 or later) on PATH to make its TLS certificate.'
        : `openssl could not make a certificate: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return {
    certPath,
    cert: await readFile(certPath),
    key: await readFile(keyPath),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
