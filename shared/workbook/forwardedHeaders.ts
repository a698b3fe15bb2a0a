import { brokerApiUrl } from '../brokerUrls';
import type { Config } from '../config';
/**
 * Which of Graph's answer headers go back to the caller: only those a workbook caller reads, with a `Location` under
 * GRAPH_BASE_URL pointed at the broker so polling stays inside it; never a token. What goes to Graph is chosen as the
 * call is read (input/forwardedRequestHeaders.ts).
 */
export const ANSWERED_HEADERS = ['content-type', 'retry-after', 'client-request-id', 'request-id', 'location'] as const;

export function answerHeadersFor(
  headers: { get(name: string): string | null },
  toBroker: (url: string) => string,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ANSWERED_HEADERS) {
    const value = headers.get(name);
    if (value === null) continue;
    kept[name] = name === 'location' ? toBroker(value) : value;
  }
  return kept;
}

/**
 * A URL under `graphBaseUrl` moved under the broker's `api/` (its path after the Graph root and its query kept);
 * anything else is returned as it is.
 */
export function toBrokerUrl(url: string, graphBaseUrl: string, brokerApiUrl: string): string {
  let target: URL;
  let root: URL;
  try {
    target = new URL(url, `${graphBaseUrl}/`);
    root = new URL(`${graphBaseUrl.replace(/\/+$/, '')}/`);
  } catch {
    return url;
  }
  if (target.origin !== root.origin || !target.pathname.toLowerCase().startsWith(root.pathname.toLowerCase()))
    return url;
  const rest = target.pathname.slice(root.pathname.length);
  return `${brokerApiUrl.replace(/\/+$/, '')}/${rest}${target.search}`;
}

/** toBrokerUrl for this deployment: from its GRAPH_BASE_URL to its own `api/` root. */
export function brokerLocations(config: Pick<Config, 'graphBaseUrl' | 'publicBaseUrl'>): (url: string) => string {
  return (url) => toBrokerUrl(url, config.graphBaseUrl, brokerApiUrl(config));
}
