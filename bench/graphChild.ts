import { startGraphEmulator } from '../dev/graphEmulator';
import { startIdentityEndpoint } from '../dev/identityEndpoint';

/**
 * Graph and the identity endpoint in a process of their own, for bench:sweep: in production Graph does not run on
 * the broker's CPU, so neither should the emulator when the sweep's own cost and memory are measured. Prints one JSON
 * line with the addresses, then serves until its stdin closes (the parent ends or exits).
 */
async function main(): Promise<void> {
  const identity = await startIdentityEndpoint();
  const emulator = await startGraphEmulator({ acceptToken: (token) => identity.verify(token) });
  process.stdout.write(
    `${JSON.stringify({ graphUrl: emulator.url, identityUrl: identity.url, identityHeader: identity.header })}\n`,
  );
  process.stdin.resume();
  process.stdin.on('end', () => {
    void Promise.allSettled([emulator.close(), identity.close()]).then(() => process.exit(0));
  });
}

void main();
