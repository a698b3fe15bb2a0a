import { itemNotFound } from './graphError';

// The set of workbooks that "exist". Anything else answers 404 itemNotFound, as Graph does for an item id that
// is not in the drive (https://learn.microsoft.com/graph/api/workbook-createsession).

export class KnownWorkbooks {
  private readonly itemsByDrive = new Map<string, Set<string>>();

  constructor(initial: ReadonlyArray<{ driveId: string; itemId: string }> = []) {
    for (const { driveId, itemId } of initial) this.add(driveId, itemId);
  }

  add(driveId: string, itemId: string): void {
    if (driveId.length === 0 || itemId.length === 0) throw new TypeError('driveId and itemId must be non-empty.');
    const items = this.itemsByDrive.get(driveId) ?? new Set<string>();
    items.add(itemId);
    this.itemsByDrive.set(driveId, items);
  }

  has(driveId: string, itemId: string): boolean {
    return this.itemsByDrive.get(driveId)?.has(itemId) ?? false;
  }

  /** Throws the 404 Graph answers for a missing item. */
  require(driveId: string, itemId: string): void {
    if (!this.has(driveId, itemId)) throw itemNotFound();
  }
}
