import { BadRequestError } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The broker's operation ids are UUIDs it made itself; anything else cannot be one. */
export function parseOperationId(params: Readonly<Record<string, string | undefined>>): string {
  const id = params.operationId;
  if (id === undefined || !UUID.test(id)) throw new BadRequestError('The operation id in the path is malformed.');
  return id.toLowerCase();
}
