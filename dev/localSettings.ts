import { existsSync, readFileSync } from 'node:fs';

export interface LocalSettings {
  readonly values: Record<string, string>;
  readonly port: number | undefined;
  readonly cors: string | undefined;
  readonly corsCredentials: boolean;
}

/**
 * `local.settings.json` as Core Tools reads it: `Values` become app settings (environment variables; a variable
 * already set in the environment wins); `Host.LocalHttpPort`, `Host.CORS` and `Host.CORSCredentials` configure the
 * local host.
 */
export function readLocalSettings(file: string): LocalSettings {
  if (!existsSync(file)) return { values: {}, port: undefined, cors: undefined, corsCredentials: false };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    Values?: Record<string, unknown>;
    Host?: { LocalHttpPort?: unknown; CORS?: unknown; CORSCredentials?: unknown };
  };
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.Values ?? {})) {
    if (value === null || value === undefined) continue;
    // A number or a boolean becomes its text, as the Functions host reads it; an object its JSON, not `[object Object]`.
    values[name] =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
  }
  const port = Number(parsed.Host?.LocalHttpPort);
  return {
    values,
    port: Number.isInteger(port) && port > 0 ? port : undefined,
    cors: typeof parsed.Host?.CORS === 'string' ? parsed.Host.CORS : undefined,
    corsCredentials:
      parsed.Host?.CORSCredentials === true || String(parsed.Host?.CORSCredentials).toLowerCase() === 'true',
  };
}
