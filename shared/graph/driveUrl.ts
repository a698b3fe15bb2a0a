/**
 * `{baseUrl}/drives/{driveId}/{segment}/…`: a drive, or a path under it, each id and segment percent-encoded
 * (https://learn.microsoft.com/graph/api/drive-get, https://learn.microsoft.com/graph/api/driveitem-list-children).
 */
export function driveUrl(baseUrl: string, driveId: string, ...segments: readonly string[]): string {
  return [`${baseUrl}/drives`, driveId, ...segments]
    .map((part, index) => (index === 0 ? part : encodeURIComponent(part)))
    .join('/');
}
