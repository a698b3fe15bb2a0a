import { operationIdIn } from '../workbook/workbookPath';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The broker's operation ids are UUIDs it made itself; anything else cannot be one (`undefined`), and is a workbook
 * operation of Graph's to forward.
 */
export function parseOperationId(params: Readonly<Record<string, string | undefined>>): string | undefined {
  // Under getOperation's own route the id is its parameter; handed over by the catch-all, it ends the `path`.
  const id = params.operationId ?? operationIdIn(params.path ?? '');
  return id !== undefined && UUID.test(id) ? id.toLowerCase() : undefined;
}
