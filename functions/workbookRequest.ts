import type { HttpRequest } from '@azure/functions';
import { declareHttp } from '../host/declare';
import type { Invocation } from '../shared/deps';
import type { BrokerResponse } from '../shared/errorResponse';
import { MethodNotAllowedError } from '../shared/errors';
import { parseWorkbookCall } from '../shared/input/parseWorkbookCall';
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
export async function workbookRequest(request: HttpRequest, invocation: Invocation): Promise<BrokerResponse> {
  switch (routeWorkbookRequest(request.method, request.url)) {
    case 'createSession':
      return createSession(request, invocation);
    case 'refreshSession':
      return refreshSession(request, invocation);
    case 'closeSession':
      return closeSession(request, invocation);
    case 'getOperation':
      return getOperation(request, invocation);
    case 'forward':
      return forwardWorkbookCall(await parseWorkbookCall(request, invocation.deps.config), invocation);
    case 'sessionCallMethodNotAllowed':
      throw new MethodNotAllowedError(['POST']);
  }
}

declareHttp({
  name: 'workbookRequest',
  methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
  route: 'drives/{driveId}/items/{itemId}/workbook/{*path}',
  handler: workbookRequest,
});
