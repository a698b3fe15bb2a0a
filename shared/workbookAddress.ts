/** The canonical driveItem address, the one every generated Graph SDK uses: `/drives/{driveId}/items/{itemId}`. */
export interface WorkbookAddress {
  readonly driveId: string;
  readonly itemId: string;
}

/** One string per workbook, for maps and logs (the ids cannot hold a NUL). */
export function workbookKey(workbook: WorkbookAddress): string {
  return `${workbook.driveId}\u0000${workbook.itemId}`;
}
