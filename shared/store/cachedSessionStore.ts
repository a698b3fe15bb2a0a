import { ConcurrencyError } from '../errors';
import type { StoredSession } from '../records/sessionRecord';
import { partitionKeyOf, rowKeyOf } from './sessionKeys';
import type { SessionStore } from './sessionStore';

/**
 * Remembers the session records this instance last read or wrote, so a caller's refresh or close skips the point
 * read when the record is at hand. This is safe because nothing is decided on the cached copy alone: every write
 * that follows is conditional on its ETag, so a copy another instance (or the sweep) made stale fails that write,
 * is dropped, and the record is read afresh. Bounded, oldest first out.
 *
 * Only a refresh uses a copy: if the table is down, the refresh answers 503 and Graph has at most kept a live session
 * alive — nothing the table must know. A close reads fresh, so it never closes a session in Graph while the table
 * cannot record it. A forwarded call reads fresh too, once per `tenure` of the workbook's gate (workbookGate.ts):
 * while this instance holds the workbook without a break no other instance calls Graph on it, so none can have
 * closed the session meanwhile; a copy read in that tenure stays good for it. A copy this instance wrote is not
 * tied to any tenure.
 */
export function cachedSessionStore(inner: SessionStore, maxEntries = 2_000): SessionStore {
  const cache = new Map<string, { readonly record: StoredSession; readonly tenure?: object }>();
  const keyOf = (record: { driveId: string; itemId: string }, sessionId: string) =>
    `${partitionKeyOf(record)}/${rowKeyOf(sessionId)}`;
  const remember = (record: StoredSession, tenure?: object) => {
    const key = keyOf(record, record.sessionId);
    cache.delete(key);
    cache.set(key, tenure === undefined ? { record } : { record, tenure });
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return record;
  };
  const forget = (record: { driveId: string; itemId: string; sessionId: string }) =>
    cache.delete(keyOf(record, record.sessionId));

  return {
    ...inner,
    async getSession(workbook, sessionId, options) {
      const cached = cache.get(keyOf(workbook, sessionId));
      const tenure = options?.tenure;
      if (cached !== undefined && tenure !== undefined && cached.tenure === tenure) return cached.record;
      if (cached !== undefined && !options?.fresh) return cached.record;
      const record = await inner.getSession(workbook, sessionId);
      return record ? remember(record, tenure) : undefined;
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
