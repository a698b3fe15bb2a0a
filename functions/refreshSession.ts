import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { invocationOf } from '../host/invocation';
import { declareHttp } from '../host/declare';
import type { Deps } from '../shared/deps';
import { parseSessionCall } from '../shared/input/parseSessionCall';
import { respond } from '../shared/respond';
import { refreshSession as refreshWorkbookSession } from '../shared/sessions/refreshSession';

/** POST …/workbook/refreshSession with `workbook-session-id` → 204; the caller's idle clock restarts. */
export async function refreshSession(
  request: HttpRequest,
  context: InvocationContext,
  deps: Deps,
): Promise<HttpResponseInit> {
  const invocation = invocationOf(context, deps);
  return respond(invocation, async () => {
    await refreshWorkbookSession(await parseSessionCall(request, deps.config), invocation);
    return { status: 204 };
  });
}

declareHttp({
  name: 'refreshSession',
  methods: ['POST'],
  route: 'drives/{driveId}/items/{itemId}/workbook/refreshSession',
  handler: refreshSession,
});
