const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The broker's operation ids are UUIDs it made itself; anything else cannot be one (`undefined`), and is a workbook
 * operation of Graph's to forward.
 */
export function parseOperationId(id: string | undefined): string | undefined {
  return id !== undefined && UUID.test(id) ? id.toLowerCase() : undefined;
}
