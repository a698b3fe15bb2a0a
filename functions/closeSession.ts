import type { HttpRequest } from '@azure/functions';
import { declareHttp } from '../host/declare';
import type { Invocation } from '../shared/deps';
import type { BrokerResponse } from '../shared/errorResponse';
import { parseSessionCall } from '../shared/input/parseSessionCall';
import { closeSession as closeWorkbookSession } from '../shared/sessions/closeSession';

/** POST …/workbook/closeSession with `workbook-session-id` → 204, again 204 when already closed. */
export async function closeSession(request: HttpRequest, invocation: Invocation): Promise<BrokerResponse> {
  await closeWorkbookSession(await parseSessionCall(request, invocation.deps.config), invocation);
  return { status: 204 };
}

declareHttp({
  name: 'closeSession',
  methods: ['POST'],
  route: 'drives/{driveId}/items/{itemId}/workbook/closeSession',
  handler: closeSession,
});
