import type { Call } from '../deps';
import { ConcurrencyError } from '../errors';
import { forEachLimited } from './forEachLimited';
import { isSessionGone } from './sessionFate';
import { partitionKeyOf, sessionLogId } from './sessionKeys';
import { withChanges, type StoredSession } from './sessionRecord';
import { updateSession } from './updateSession';

export interface SweepOptions {
  /** Stop taking new work after this long; the next tick carries on. Well inside functionTimeout. */
  readonly budgetMs: number;
  readonly pageSize?: number;
}

export interface SweepSummary {
  seen: number;
  refreshed: number;
  closed: number;
  expired: number;
  deleted: number;
  failed: number;
  durationMs: number;
  complete: boolean;
}

type Outcome = 'refreshed' | 'closed' | 'expired' | 'deleted' | 'failed' | 'none';

/**
 * One tick of the keep-alive policy, over the records that are due (see `nextDueAt`): an idle session is claimed,
 * closed in Graph and recorded closed; a live one whose Graph contact is stale is refreshed so Excel's own idle
 * expiry (~5/7 min) never hits it; one Graph reports gone is recorded expired; an ended one past retention is deleted.
 * Every write is conditional on the ETag read, so a caller's refresh that lands first always wins over the sweep.
 */
export async function sweepSessions(call: Call, options: SweepOptions): Promise<SweepSummary> {
  const { deps } = call;
  const started = deps.now();
  const summary: SweepSummary = { seen: 0, refreshed: 0, closed: 0, expired: 0, deleted: 0, failed: 0, durationMs: 0, complete: true };
  for await (const page of deps.store.listDue(started, options.pageSize ?? 500)) {
    // Microsoft's advice is one request at a time per workbook: a workbook's sessions are handled in sequence,
    // workbooks in parallel up to SWEEP_CONCURRENCY.
    await forEachLimited(groupByWorkbook(page), deps.config.sweepConcurrency, async (records) => {
      for (const record of records) {
        summary.seen += 1;
        const outcome = await sweepOne(record, call);
        if (outcome !== 'none') summary[outcome] += 1;
      }
    });
    if (deps.now() - started >= options.budgetMs) {
      summary.complete = false;
      break;
    }
  }
  summary.durationMs = deps.now() - started;
  return summary;
}

async function sweepOne(record: StoredSession, { deps, log }: Call): Promise<Outcome> {
  const now = deps.now();
  try {
    if (record.state === 'closed' || record.state === 'expired') {
      await deps.store.deleteSession(record);
      return 'deleted';
    }
    if (record.state === 'closing' || record.lastCallerActivityAt + record.idleTimeoutSeconds * 1000 <= now) {
      // Claim first: if the caller refreshed since we read, this write fails and the session is left alone.
      const claimed = await deps.store.replaceSession(record, withChanges(record, { state: 'closing', claimedAt: now }, deps.config));
      try {
        await deps.graph.closeSession(record, record.sessionId);
      } catch (error) {
        if (!isSessionGone(error)) throw error;
      }
      await deps.store.replaceSession(claimed, withChanges(claimed, { state: 'closed', endReason: 'idle', endedAt: deps.now() }, deps.config));
      log.info('Idle session closed.', { session: sessionLogId(record.sessionId) });
      return 'closed';
    }
    if (record.lastGraphContactAt + deps.config.refreshAfterSeconds * 1000 > now) return 'none';
    try {
      await deps.graph.refreshSession(record, record.sessionId);
    } catch (error) {
      if (!isSessionGone(error)) throw error;
      await updateSession(deps, record, (current) =>
        current.state === 'live' ? { state: 'expired', endReason: 'expiredInGraph', endedAt: deps.now() } : undefined,
      );
      log.info('Session expired in Graph.', { session: sessionLogId(record.sessionId) });
      return 'expired';
    }
    const contact = deps.now();
    await updateSession(deps, record, (current) =>
      current.state === 'live' && current.lastGraphContactAt < contact ? { lastGraphContactAt: contact } : undefined,
    );
    return 'refreshed';
  } catch (error) {
    // Lost a race (a caller or another sweep wrote first): the record's new state is theirs; next tick re-reads it.
    if (error instanceof ConcurrencyError) return 'none';
    log.warn('Sweep could not handle a session; it is retried next tick.', {
      session: sessionLogId(record.sessionId),
      reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown',
    });
    return 'failed';
  }
}

function groupByWorkbook(records: readonly StoredSession[]): StoredSession[][] {
  const groups = new Map<string, StoredSession[]>();
  for (const record of records) {
    const key = partitionKeyOf(record);
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  return [...groups.values()];
}
