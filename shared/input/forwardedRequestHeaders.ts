/**
 * Which of a caller's headers go on to Graph with a forwarded call: only what Graph acts on for a workbook call —
 * never the caller's `Authorization`, cookies, function key or `x-ms-*` (App Service Authentication's principal
 * headers); the broker adds its own token. What comes back is chosen in workbook/forwardedHeaders.ts.
 */
export const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'prefer',
  'workbook-session-id',
  'client-request-id',
  'if-match',
  'if-none-match',
] as const;

export function requestHeadersFor(headers: { get(name: string): string | null }): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}
