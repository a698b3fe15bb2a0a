import { startAzurite, type Azurite } from '../dev/azurite';
import { startGraphEmulator, type GraphEmulator } from '../dev/graphEmulator';
import { startIdentityEndpoint, type IdentityEndpoint } from '../dev/identityEndpoint';

/**
 * The parts the broker talks to, owned by the bench process so it can count token requests, set Graph's latency
 * and call Graph directly for the side-by-side figures: Azurite (in memory, free port), the local managed-identity
 * endpoint and the Graph emulator, all on 127.0.0.1.
 */
export interface LocalStack {
  readonly azurite: Azurite;
  readonly identity: IdentityEndpoint;
  readonly emulator: GraphEmulator;
  /** A token from the identity endpoint for the bench's own direct calls, fetched once before any broker starts. */
  readonly token: string;
  close(): Promise<void>;
}

/**
 * `emulatorDrive`: a folder the emulator serves as its drive (made when missing; its demo workbook, `Demo.xlsx` with
 * the `Sales` table, made on first start). Without it the emulator holds only the workbooks added in memory.
 */
export async function startLocalStack(options: { emulatorDrive?: string } = {}): Promise<LocalStack> {
  const azurite = await startAzurite({ silent: true });
  const identity = await startIdentityEndpoint().catch(async (error: unknown) => {
    await azurite.stop();
    throw error;
  });
  const emulator = await startGraphEmulator({
    acceptToken: (token) => identity.verify(token),
    ...(options.emulatorDrive === undefined ? {} : { drive: { path: options.emulatorDrive } }),
  }).catch(async (error: unknown) => {
    await Promise.allSettled([identity.close(), azurite.stop()]);
    throw error;
  });
  const close = async () => {
    await Promise.allSettled([emulator.close(), identity.close()]);
    await azurite.stop();
  };
  try {
    return { azurite, identity, emulator, token: await fetchToken(identity), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The managed-identity REST call, as App Service documents it (API version 2019-08-01). */
async function fetchToken(identity: IdentityEndpoint): Promise<string> {
  const url = `${identity.url}?api-version=2019-08-01&resource=${encodeURIComponent('https://graph.microsoft.com')}`;
  const response = await fetch(url, { headers: { 'X-IDENTITY-HEADER': identity.header } });
  const body = (await response.json()) as { access_token?: unknown };
  if (!response.ok || typeof body.access_token !== 'string')
    throw new Error(`identity endpoint answered ${response.status}`);
  return body.access_token;
}
