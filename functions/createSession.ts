import type { HttpRequest } from '@azure/functions';
import { declareHttp } from '../host/declare';
import { toCreateResponse } from '../shared/createOutcomeResponse';
import type { Invocation } from '../shared/deps';
import type { BrokerResponse } from '../shared/errorResponse';
import { parseCaller, parseIdempotencyKey, refuseSimpleCrossSiteRequest } from '../shared/input/requestHeaders';
import { parseCreateSessionBody } from '../shared/input/parseCreateSessionBody';
import { parseIdleTimeout } from '../shared/input/parseIdleTimeout';
import { parseWorkbookAddress } from '../shared/workbookAddress';
import { BODY_LIMITS, readBody } from '../shared/input/brokerRequest';
import { createSession as createWorkbookSession } from '../shared/sessions/createSession';

/** POST …/workbook/createSession → 201 `{"id", "persistChanges"}` (Graph's answer), or 202 + Location for a long create. */
export async function createSession(request: HttpRequest, invocation: Invocation): Promise<BrokerResponse> {
  const { deps } = invocation;
  refuseSimpleCrossSiteRequest(request.headers);
  const workbook = parseWorkbookAddress(request.params, deps.config);
  const idleTimeoutSeconds = parseIdleTimeout(request.headers, deps.config);
  const idempotencyKey = parseIdempotencyKey(request.headers);
  const persistChanges = parseCreateSessionBody(await readBody(request, BODY_LIMITS.sessionCall));
  const outcome = await createWorkbookSession(
    {
      workbook,
      persistChanges,
      idleTimeoutSeconds,
      caller: parseCaller(request.headers),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
    invocation,
  );
  return toCreateResponse(outcome, deps.config, workbook);
}

declareHttp({
  name: 'createSession',
  methods: ['POST'],
  route: 'drives/{driveId}/items/{itemId}/workbook/createSession',
  handler: createSession,
});
