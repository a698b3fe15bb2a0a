import { endGoneSession } from '../sessions/endGoneSession';
import { SWEEP_CALL_BUDGET_MS } from '../budgets';
import { errorMessage, warnOnFailure } from '../errorMessage';
import type { Deps, Invocation } from '../deps';
import { ConcurrencyError, GraphError, ThrottledError } from '../errors';
import type { CallOptions } from '../graph/graphClient';
import type { WorkbookAddress } from '../workbookAddress';
import { cooldownUntil } from '../graph/throttling';
import { forgetIdempotencyKey } from '../sessions/forgetIdempotencyKey';
import type { GraphSlots } from './graphSlots';
import { closeOwed } from '../sessions/closeOwed';
import { isGoneInGraph, isSessionGone } from '../sessions/sessionFate';
import { partitionKeyOf, sessionLogId } from '../store/sessionKeys';
import { withSessionChanges, type StoredSession } from '../records/sessionRecord';
import { updateSession } from '../sessions/sessionAccess';

export type SweepOutcome = 'refreshed' | 'closed' | 'expired' | 'deleted' | 'deferred' | 'failed' | 'skipped';

/**
 * The sweep's Graph calls pass the workbook's gate like every other, and are not retried: a throttled workbook is
 * paused instead (it must not hold up the others), and anything else is simply tried again next tick.
 */
async function sweepCall(deps: Deps, workbook: WorkbookAddress): Promise<CallOptions> {
  const deadline = deps.now() + SWEEP_CALL_BUDGET_MS;
  return { deadline, retry: false, turn: await deps.gate.take(workbook, deadline) };
}

/**
 * The keep-alive policy for one due record. Every write is conditional on the ETag the sweep read: if a caller (or
 * another sweep) wrote first, the write fails and this record is left to them — `skipped` — until the next tick
 * reads it afresh. Closing for idleness claims the record (`closing`) before calling Graph, so a refresh that lands
 * first always wins, and the table and Graph never disagree for longer than one Graph call.
 */
export async function sweepSession(
  record: StoredSession,
  invocation: Invocation,
  slots: GraphSlots,
): Promise<SweepOutcome> {
  const { deps, log } = invocation;
  const now = deps.now();
  const workbook = partitionKeyOf(record);
  try {
    const ended = record.state === 'closed' || record.state === 'expired';
    if (ended && !record.graphCloseOwed) {
      await deps.store.deleteSession(record);
      await forgetIdempotencyKey(record, record.idempotencyRowKey, { sessionId: record.sessionId }, invocation);
      return 'deleted';
    }
    const pausedUntil = deps.gate.pausedUntil(record, now);
    if (pausedUntil !== undefined) return await defer(record, pausedUntil, invocation);
    if (ended) {
      await closeOwed(record, invocation, () =>
        slots.use(async () => deps.graph.closeSession(record, record.sessionId, await sweepCall(deps, record))),
      );
      return 'closed';
    }
    if (record.state === 'closing' || record.lastCallerActivityAt + record.idleTimeoutSeconds * 1000 <= now) {
      return await closeIdle(record, invocation, slots);
    }
    if (record.lastGraphContactAt + deps.config.refreshAfterSeconds * 1000 <= now)
      return await refresh(record, invocation, slots);
    // Due by a stale `dueAt` (settings changed since it was written): store the right one.
    await deps.store.replaceSession(record, withSessionChanges(record, {}, deps.config));
    return 'skipped';
  } catch (error) {
    if (error instanceof ConcurrencyError) return 'skipped';
    const until = throttledUntil(error, deps.now());
    if (until !== undefined) {
      log.warn('Graph throttled a workbook; the sweep leaves it alone until its cooldown ends.', {
        workbook,
        until: new Date(until).toISOString(),
      });
      // A claim handed back has already carried the cooldown into the record (closeIdle); this write then loses the
      // ETag race harmlessly.
      return defer(record, until, invocation).catch(() => 'deferred' as const);
    }
    log.warn('The sweep could not handle a session; it is retried next tick.', {
      session: sessionLogId(record.sessionId),
      reason: errorMessage(error),
    });
    return 'failed';
  }
}

async function closeIdle(record: StoredSession, { deps, log }: Invocation, slots: GraphSlots): Promise<SweepOutcome> {
  const claimed = await deps.store.replaceSession(
    record,
    withSessionChanges(record, { state: 'closing', claimedAt: deps.now() }, deps.config),
  );
  // Graph dropped it without saying so itself (a 502, say): it may still hold it, so the next tick closes it again.
  let graphCloseOwed = false;
  try {
    await slots.use(async () => deps.graph.closeSession(record, record.sessionId, await sweepCall(deps, record)));
  } catch (error) {
    graphCloseOwed = !isGoneInGraph(error);
    if (!isSessionGone(error)) {
      // Graph did not close it: hand the session back as it was, so its caller can still use it and a later tick
      // retries — not before a throttling cooldown ends, which the hand-back itself records for every instance.
      const until = throttledUntil(error, deps.now());
      const handBack = {
        state: 'live' as const,
        claimedAt: undefined,
        ...(until !== undefined ? { deferredUntil: until } : {}),
      };
      await deps.store
        .replaceSession(claimed, withSessionChanges(claimed, handBack, deps.config))
        .catch(
          warnOnFailure(
            log,
            'Could not hand a session back after Graph did not close it; it stays closing until its claim lapses (two minutes).',
            { session: sessionLogId(record.sessionId) },
          ),
        );
      throw error;
    }
  }
  await deps.store.replaceSession(
    claimed,
    withSessionChanges(
      claimed,
      {
        state: 'closed',
        endReason: 'idle',
        endedAt: deps.now(),
        claimedAt: undefined,
        ...(graphCloseOwed ? { graphCloseOwed } : {}),
      },
      deps.config,
    ),
  );
  log.info('Idle session closed by the sweep.', { session: sessionLogId(record.sessionId) });
  deps.telemetry.event('SessionAbandoned', {
    session: sessionLogId(record.sessionId),
    idleTimeoutSeconds: record.idleTimeoutSeconds,
  });
  return 'closed';
}

async function refresh(record: StoredSession, invocation: Invocation, slots: GraphSlots): Promise<SweepOutcome> {
  const { deps } = invocation;
  try {
    await slots.use(async () => deps.graph.refreshSession(record, record.sessionId, await sweepCall(deps, record)));
  } catch (error) {
    if (!isSessionGone(error)) throw error;
    // The owed close is best effort now; a failure leaves the debt in the record, and the next tick pays it.
    const final = await endGoneSession(record, error, invocation, {
      by: 'sweep',
      close: () =>
        slots.use(async () => deps.graph.closeSession(record, record.sessionId, await sweepCall(deps, record))),
    });
    return final?.state === 'expired' ? 'expired' : 'skipped';
  }
  const contact = deps.now();
  await updateSession(deps, record, (current) =>
    current.state === 'live' && current.lastGraphContactAt < contact
      ? { lastGraphContactAt: contact, deferredUntil: undefined }
      : undefined,
  );
  deps.telemetry.event('SessionRefreshed', { session: sessionLogId(record.sessionId), by: 'sweep' });
  return 'refreshed';
}

/** When a 429, or a 503 with Retry-After, lets the workbook be called again; `undefined` for any other failure. */
function throttledUntil(error: unknown, now: number): number | undefined {
  // The gate's own refusal: Graph's cooldown, or a turn that did not come within the sweep's budget.
  if (error instanceof ThrottledError) return now + error.retryAfterSeconds * 1000;
  return error instanceof GraphError ? cooldownUntil(error.status, error.retryAfterSeconds, now) : undefined;
}

async function defer(record: StoredSession, until: number, { deps }: Invocation): Promise<SweepOutcome> {
  await deps.store.replaceSession(record, withSessionChanges(record, { deferredUntil: until }, deps.config));
  return 'deferred';
}
