import { ConcurrencyError } from '../errors';
import { partitionKeyOf, rowKeyOf } from './sessionKeys';
import type { StoredSession } from '../records/sessionRecord';
import type { SessionStore } from './sessionStore';

/**
 * Remembers the session records this instance last read or wrote, so a caller's refresh or close skips the point
 * read when the record is at hand. This is safe because nothing is decided on the cached copy alone: every write
 * that follows is conditional on its ETag, so a copy another instance (or the sweep) made stale fails that write,
 * is dropped, and the record is read afresh. Bounded, oldest first out.
 *
 * Only a refresh uses a copy: if the table is down, the refresh answers 503 and Graph has at most kept a live session
 * alive — nothing the table must know. A close reads fresh, so it never closes a session in Graph while the table
 * cannot record it.
 */
export function cachedSessionStore(inner: SessionStore, maxEntries = 2_000): SessionStore {
  const cache = new Map<string, StoredSession>();
  const keyOf = (record: { driveId: string; itemId: string }, sessionId: string) =>
    `${partitionKeyOf(record)}/${rowKeyOf(sessionId)}`;
  const remember = (record: StoredSession) => {
    const key = keyOf(record, record.sessionId);
    cache.delete(key);
    cache.set(key, record);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return record;
  };
  const forget = (record: { driveId: string; itemId: string; sessionId: string }) =>
    cache.delete(keyOf(record, record.sessionId));

  return {
    ...inner,
    async getSession(workbook, sessionId, options) {
      const cached = options?.fresh ? undefined : cache.get(keyOf(workbook, sessionId));
      if (cached) return cached;
      const record = await inner.getSession(workbook, sessionId);
      return record ? remember(record) : undefined;
    },
    async insertSession(record) {
      return remember(await inner.insertSession(record));
    },
    async replaceSession(current, next) {
      try {
        return remember(await inner.replaceSession(current, next));
      } catch (error) {
        if (error instanceof ConcurrencyError) forget(current);
        throw error;
      }
    },
    async deleteSession(current) {
      forget(current);
      await inner.deleteSession(current);
    },
  };
}
