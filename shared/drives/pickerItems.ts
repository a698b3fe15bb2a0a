/**
 * What a workbook picker shows of a folder's children (https://learn.microsoft.com/graph/api/resources/driveitem):
 * the folders (a `folder` facet), then the files (a `file` facet) whose name ends `.xlsx` in any case — the only
 * files Graph's workbook API opens — each group by name without regard to case. Items stay as Graph gave them.
 */
export function pickerItems(children: readonly unknown[]): Record<string, unknown>[] {
  const items = children.filter(isObject);
  const folders = items.filter((item) => isObject(item.folder));
  const workbooks = items.filter(
    (item) => !isObject(item.folder) && isObject(item.file) && nameOf(item).toLowerCase().endsWith('.xlsx'),
  );
  return [...folders.sort(byName), ...workbooks.sort(byName)];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nameOf(item: Record<string, unknown>): string {
  return typeof item.name === 'string' ? item.name : '';
}

// Lower case first, then the name as it is, so two names that differ only in case still come in one fixed order.
function byName(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const [x, y] = [nameOf(a), nameOf(b)];
  return compare(x.toLowerCase(), y.toLowerCase()) || compare(x, y);
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
