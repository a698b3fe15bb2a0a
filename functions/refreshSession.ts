import type { HttpRequest } from '@azure/functions';
import { declareHttp } from '../host/declare';
import type { Invocation } from '../shared/deps';
import type { BrokerResponse } from '../shared/errorResponse';
import { parseSessionCall } from '../shared/input/parseSessionCall';
import { refreshSession as refreshWorkbookSession } from '../shared/sessions/refreshSession';

/** POST …/workbook/refreshSession with `workbook-session-id` → 204; the caller's idle clock restarts. */
export async function refreshSession(request: HttpRequest, invocation: Invocation): Promise<BrokerResponse> {
  await refreshWorkbookSession(await parseSessionCall(request, invocation.deps.config), invocation);
  return { status: 204 };
}

declareHttp({
  name: 'refreshSession',
  methods: ['POST'],
  route: 'drives/{driveId}/items/{itemId}/workbook/refreshSession',
  handler: refreshSession,
});
