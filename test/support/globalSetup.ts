import type { TestProject } from 'vitest/node';
import { startAzurite } from '../../dev/azurite';

/*
 * One in-memory Azurite for the whole run: tests share it and keep apart by table name (see testTableName).
 * Tests read the connection string with inject('azuriteConnectionString'); the environment variable is a fallback
 * for code that runs outside a test context (fork workers inherit this process's environment).
 */

declare module 'vitest' {
  export interface ProvidedContext {
    azuriteConnectionString: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite({ silent: true });
  project.provide('azuriteConnectionString', azurite.connectionString);
  process.env.AZURITE_CONNECTION_STRING = azurite.connectionString;
  return async () => {
    await azurite.stop();
  };
}
