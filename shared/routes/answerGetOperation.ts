import { toCreateResponse } from './toCreateResponse';
import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import type { BrokerRequest } from '../input/brokerRequest';
import { parseOperationId } from '../input/parseOperationId';
import { parseCaller } from '../input/requestHeaders';
import { pollOperation } from '../sessions/pollOperation';
import { parseWorkbookAddress } from '../workbookAddress';
import { answerWorkbookCall } from './answerWorkbookCall';
import type { RoutedCall } from './routeHandler';

/**
 * GET …/workbook/operations/{operationId}: one of the broker's long creates → 202 while Graph works, then 201 with the
 * session, or Graph's error; any other id is one of Graph's own workbook operations (adding rows, say), forwarded.
 */
export async function answerGetOperation(
  request: BrokerRequest,
  invocation: Invocation,
  call: RoutedCall,
): Promise<BrokerResponse> {
  const { deps } = invocation;
  const workbook = parseWorkbookAddress(request.params, deps.config);
  const operationId = parseOperationId(call.operationId);
  const caller = parseCaller(request.headers);
  const outcome =
    operationId === undefined ? undefined : await pollOperation({ workbook, operationId, caller }, invocation);
  if (outcome !== undefined) return toCreateResponse(outcome, deps.config, workbook);
  return answerWorkbookCall(request, invocation, call);
}
