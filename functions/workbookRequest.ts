import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { invocationOf } from '../host/invocation';
import { declareHttp } from '../host/declare';
import type { Deps } from '../shared/deps';
import { parseWorkbookCall } from '../shared/input/parseWorkbookCall';
import { respond } from '../shared/respond';
import { forwardWorkbookCall } from '../shared/workbook/forwardWorkbookCall';
import { routeWorkbookRequest } from '../shared/workbook/routeWorkbookRequest';
import { closeSession } from './closeSession';
import { createSession } from './createSession';
import { getOperation } from './getOperation';
import { refreshSession } from './refreshSession';

/**
 * Any other workbook call — worksheets, ranges, tables, rows — made on Graph as the broker's identity, in the
 * caller's session, and answered with Graph's answer. Handed a session call or an operation poll (see
 * routeWorkbookRequest.ts), it does what that function does.
 */
export async function workbookRequest(
  request: HttpRequest,
  context: InvocationContext,
  deps: Deps,
): Promise<HttpResponseInit> {
  switch (routeWorkbookRequest(request.method, request.url)) {
    case 'createSession':
      return createSession(request, context, deps);
    case 'refreshSession':
      return refreshSession(request, context, deps);
    case 'closeSession':
      return closeSession(request, context, deps);
    case 'getOperation':
      return getOperation(request, context, deps);
    case 'forward': {
      const invocation = invocationOf(context, deps);
      return respond(invocation, async () => ({
        ...(await forwardWorkbookCall(await parseWorkbookCall(request, deps.config), invocation)),
      }));
    }
  }
}

declareHttp({
  name: 'workbookRequest',
  methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
  route: 'drives/{driveId}/items/{itemId}/workbook/{*path}',
  handler: workbookRequest,
});
