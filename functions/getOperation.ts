import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { callOf } from '../host/callOf';
import { declareHttp } from '../host/declare';
import { toCreateResponse } from '../shared/createOutcomeResponse';
import type { Deps } from '../shared/deps';
import { parseCaller } from '../shared/input/parseCaller';
import { parseOperationId } from '../shared/input/parseOperationId';
import { parseWorkbookAddress } from '../shared/input/parseWorkbookAddress';
import { respond } from '../shared/respond';
import { pollOperation } from '../shared/sessions/pollOperation';

/** GET …/workbook/operations/{operationId} → 202 while Graph works, then 201 with the session, or Graph's error. */
export async function getOperation(request: HttpRequest, context: InvocationContext, deps: Deps): Promise<HttpResponseInit> {
  const call = callOf(context, deps);
  return respond(call, async () => {
    const workbook = parseWorkbookAddress(request.params, deps.config);
    const operationId = parseOperationId(request.params);
    const outcome = await pollOperation({ workbook, operationId, caller: parseCaller(request.headers) }, call);
    return toCreateResponse(outcome, deps.config, workbook);
  });
}

declareHttp({
  name: 'getOperation',
  methods: ['GET'],
  route: 'drives/{driveId}/items/{itemId}/workbook/operations/{operationId}',
  handler: getOperation,
});
