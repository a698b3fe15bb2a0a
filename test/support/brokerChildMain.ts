/*
 * One broker instance in its own process, for tests of what several instances share (test/support/brokerChild.ts
 * starts it with `node -r test/support/requireTs.cjs`). It is the local host with the production wiring, configured
 * by the environment alone, as a Functions instance is by its app settings; timers are off (a test runs the sweep
 * through the admin route). It prints its address as a JSON line once it listens.
 */
import { startLocalHost } from '../../dev/localHost';

async function main(): Promise<void> {
  const host = await startLocalHost({ port: 0, timers: false, log: () => undefined });
  process.stdout.write(`${JSON.stringify({ url: host.url, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
