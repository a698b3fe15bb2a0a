import { ANSWER_BUDGET_MS } from '../budgets';
import { type Invocation, inOneTurn } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import type { BrokerRequest } from '../input/brokerRequest';
import type { StoredSession } from '../records/sessionRecord';
import { answerOnce } from '../workbook/answerOnce';
import { answerHeadersFor, brokerLocations } from '../workbook/forwardedHeaders';
import type { WriteAnswer } from '../workbook/replayKeys';
import { liveSession, noteSessionUse } from '../workbook/sessionUse';
import { parseRowCall, type RoutedRowCall, type RowCall } from './parseRowCall';
import { ROW_OPERATIONS } from './rowOperations';
import { GraphRefusal, type TableTurn } from './tableCalls';

/**
 * A row operation under the broker's own prefix, with the gateway's rules: the call checked before anything is
 * called, the caller's session checked when it names one, the finding and the changing in one turn of the workbook,
 * each Graph call retried only as its kind allows, a write done at most once under an Idempotency-Key, and Graph's
 * errors passed on as Graph gave them.
 */
export async function answerRowCall(
  request: BrokerRequest,
  invocation: Invocation,
  routed: RoutedRowCall,
): Promise<BrokerResponse> {
  const call = await parseRowCall(request, invocation.deps.config, routed);
  const deadline = invocation.deps.now() + ANSWER_BUDGET_MS;
  const write =
    call.idempotencyKey === undefined
      ? undefined
      : { workbook: call.workbook, key: call.idempotencyKey, caller: call.caller, fingerprint: call.fingerprint };
  const progress: TableTurn['progress'] = { sentWrite: false };
  return answerOnce(
    write,
    invocation,
    deadline,
    () => runInOneTurn(call, progress, deadline, invocation),
    () => progress.sentWrite,
  );
}

async function runInOneTurn(
  call: RowCall,
  progress: TableTurn['progress'],
  deadline: number,
  invocation: Invocation,
): Promise<WriteAnswer> {
  const session: StoredSession | undefined =
    call.sessionId === undefined
      ? undefined
      : await liveSession(call.workbook, call.sessionId, call.caller, invocation);
  const { workbook, table, sessionId } = call;
  try {
    const result = await inOneTurn(invocation, workbook, deadline, (callOptions) =>
      ROW_OPERATIONS[call.operation]({ invocation, workbook, table, sessionId, callOptions, progress }, call),
    );
    return {
      status: result.status,
      headers: result.json === undefined ? {} : { 'content-type': 'application/json' },
      body: new TextEncoder().encode(result.json === undefined ? '' : JSON.stringify(result.json)),
    };
  } catch (error) {
    if (!(error instanceof GraphRefusal)) throw error;
    const { reply } = error;
    return {
      status: reply.status,
      headers: answerHeadersFor(reply.headers, brokerLocations(invocation.deps.config)),
      body: reply.body,
    };
  } finally {
    const last = progress.lastReply;
    if (session !== undefined && last !== undefined) await noteSessionUse(session, last, deadline, invocation);
  }
}
