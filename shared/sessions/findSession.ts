import { SessionNotFoundError } from '../errors';
import type { Deps } from '../deps';
import type { WorkbookAddress } from '../workbookAddress';
import type { Caller } from '../input/parseCaller';
import type { StoredSession } from '../records/sessionRecord';

/**
 * The record a caller may act on. A session created by a signed-in caller belongs to that caller: anyone else gets
 * the same 404 as for an unknown session, so ids cannot be probed.
 */
export async function findSession(
  deps: Pick<Deps, 'store'>,
  workbook: WorkbookAddress,
  sessionId: string,
  caller: Caller | undefined,
  options: { readonly fresh?: boolean } = {},
): Promise<StoredSession> {
  const record = await deps.store.getSession(workbook, sessionId, options);
  if (!record || (record.owner !== undefined && record.owner !== caller?.id)) throw new SessionNotFoundError();
  return record;
}
