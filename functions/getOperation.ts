import type { HttpRequest } from '@azure/functions';
import { declareHttp } from '../host/declare';
import { toCreateResponse } from '../shared/createOutcomeResponse';
import type { Invocation } from '../shared/deps';
import type { BrokerResponse } from '../shared/errorResponse';
import { parseCaller } from '../shared/input/requestHeaders';
import { parseOperationId } from '../shared/input/parseOperationId';
import { parseWorkbookAddress } from '../shared/workbookAddress';
import { parseWorkbookCall } from '../shared/input/parseWorkbookCall';
import { pollOperation } from '../shared/sessions/pollOperation';
import { forwardWorkbookCall } from '../shared/workbook/forwardWorkbookCall';

/**
 * GET …/workbook/operations/{operationId}: one of the broker's long creates → 202 while Graph works, then 201 with the
 * session, or Graph's error; any other id is one of Graph's own workbook operations (adding rows, say), forwarded.
 */
export async function getOperation(request: HttpRequest, invocation: Invocation): Promise<BrokerResponse> {
  const { deps } = invocation;
  const workbook = parseWorkbookAddress(request.params, deps.config);
  const operationId = parseOperationId(request.params);
  const caller = parseCaller(request.headers);
  const outcome =
    operationId === undefined ? undefined : await pollOperation({ workbook, operationId, caller }, invocation);
  if (outcome !== undefined) return toCreateResponse(outcome, deps.config, workbook);
  return forwardWorkbookCall(await parseWorkbookCall(request, deps.config), invocation);
}

declareHttp({
  name: 'getOperation',
  methods: ['GET'],
  route: 'drives/{driveId}/items/{itemId}/workbook/operations/{operationId}',
  handler: getOperation,
});
