import type { WorkbookAddress } from '../workbookAddress';
import { driveUrl } from './driveUrl';

/** `{baseUrl}/drives/{driveId}/items/{itemId}/workbook/{path}`, `path` taken as already encoded. */
export function workbookUrl(baseUrl: string, workbook: WorkbookAddress, path: string): string {
  return `${driveUrl(baseUrl, workbook.driveId, 'items', workbook.itemId, 'workbook')}/${path}`;
}
