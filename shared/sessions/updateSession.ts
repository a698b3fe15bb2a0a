import { ConcurrencyError, StorageUnavailableError } from '../errors';
import type { Deps } from '../deps';
import { withSessionChanges, type SessionRecord, type StoredSession } from '../records/sessionRecord';

const ATTEMPTS = 4;

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
  for (let attempt = 0; attempt < ATTEMPTS && record; attempt += 1) {
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
