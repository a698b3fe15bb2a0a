import type { WorkbookAddress } from '../workbookAddress';

/** `{baseUrl}/drives/{driveId}/items/{itemId}/workbook/{path}`, `path` taken as already encoded. */
export function workbookUrl(baseUrl: string, workbook: WorkbookAddress, path: string): string {
  return `${baseUrl}/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}/workbook/${path}`;
}
