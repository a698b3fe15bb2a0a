import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { invocationOf } from '../host/invocation';
import { declareHttp } from '../host/declare';
import type { Deps } from '../shared/deps';
import { parseSessionCall } from '../shared/input/parseSessionCall';
import { respond } from '../shared/respond';
import { closeSession as closeWorkbookSession } from '../shared/sessions/closeSession';

/** POST …/workbook/closeSession with `workbook-session-id` → 204, again 204 when already closed. */
export async function closeSession(
  request: HttpRequest,
  context: InvocationContext,
  deps: Deps,
): Promise<HttpResponseInit> {
  const invocation = invocationOf(context, deps);
  return respond(invocation, async () => {
    await closeWorkbookSession(await parseSessionCall(request, deps.config), invocation);
    return { status: 204 };
  });
}

declareHttp({
  name: 'closeSession',
  methods: ['POST'],
  route: 'drives/{driveId}/items/{itemId}/workbook/closeSession',
  handler: closeSession,
});
