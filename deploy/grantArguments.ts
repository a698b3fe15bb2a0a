/** What `npm run grant-graph-access -- …` was asked to do. */
export interface GrantRequest {
  /** Object id of the broker's managed identity (its service principal in Entra ID). */
  readonly identity: string;
  /** SharePoint site URLs to grant the identity `write` on (Sites.Selected). */
  readonly sites: readonly string[];
  /** Assign Files.ReadWrite.All (every file the tenant has) instead of Sites.Selected and per-site grants. */
  readonly allFiles: boolean;
}

export const USAGE =
  'usage: npm run grant-graph-access -- --identity <object id of the managed identity> ' +
  '(--site <https://tenant.sharepoint.com/sites/name> [--site …] | --all-files)';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseGrantArguments(argv: readonly string[]): GrantRequest {
  let identity: string | undefined;
  const sites: string[] = [];
  let allFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value. ${USAGE}`);
      return next;
    };
    if (flag === '--identity') identity = value();
    else if (flag === '--site') sites.push(siteUrl(value()));
    else if (flag === '--all-files') allFiles = true;
    else throw new UsageError(`Unknown argument "${flag}". ${USAGE}`);
  }
  if (identity === undefined) throw new UsageError(`--identity is required. ${USAGE}`);
  if (!GUID.test(identity)) {
    throw new UsageError(`--identity must be an object id (a GUID); got "${identity}". ${USAGE}`);
  }
  if (allFiles && sites.length > 0) {
    throw new UsageError(`--all-files grants every site already: give it without --site. ${USAGE}`);
  }
  if (!allFiles && sites.length === 0) throw new UsageError(`Give at least one --site, or --all-files. ${USAGE}`);
  return { identity, sites, allFiles };
}

function siteUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `--site must be a site's URL, like https://contoso.sharepoint.com/sites/finance; got "${text}".`,
    );
  }
  if (url.protocol !== 'https:') throw new UsageError(`--site must be an https URL; got "${text}".`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
