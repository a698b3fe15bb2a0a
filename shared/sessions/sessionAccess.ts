import { ConcurrencyError, SessionNotFoundError, StorageUnavailableError } from '../errors';
import type { Deps } from '../deps';
import type { WorkbookAddress } from '../workbookAddress';
import type { Caller } from '../input/requestHeaders';
import { withSessionChanges, type SessionRecord, type StoredSession } from '../records/sessionRecord';

/**
 * The record a caller may act on. A session created by a signed-in caller belongs to that caller: anyone else gets
 * the same 404 as for an unknown session, so ids cannot be probed.
 */
export async function findSession(
  deps: Pick<Deps, 'store'>,
  workbook: WorkbookAddress,
  sessionId: string,
  caller: Caller | undefined,
  options: { readonly fresh?: boolean; readonly tenure?: object } = {},
): Promise<StoredSession> {
  const record = await deps.store.getSession(workbook, sessionId, options);
  if (!record || (record.owner !== undefined && record.owner !== caller?.id)) throw new SessionNotFoundError();
  return record;
}

const UPDATE_ATTEMPTS = 4;

/**
 * Applies `change` to the record with a write conditional on its ETag. If someone else wrote first (the sweep, a
 * concurrent call), the record is read again and `change` decides afresh from what is there now — it returns
 * `undefined` when there is nothing left to do. Returns the record as it finally stands (`undefined` if deleted).
 */
export async function updateSession(
  deps: Pick<Deps, 'store' | 'config'>,
  current: StoredSession,
  change: (record: StoredSession) => Partial<Omit<SessionRecord, 'dueAt'>> | undefined,
): Promise<StoredSession | undefined> {
  let record: StoredSession | undefined = current;
  for (let attempt = 0; attempt < UPDATE_ATTEMPTS && record; attempt += 1) {
    const changes = change(record);
    if (changes === undefined) return record;
    try {
      return await deps.store.replaceSession(record, withSessionChanges(record, changes, deps.config));
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      record = await deps.store.getSession(record, record.sessionId);
    }
  }
  if (!record) return undefined;
  throw new StorageUnavailableError('The session record is too busy to update; try again.');
}
