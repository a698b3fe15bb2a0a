import { toCreateResponse } from './toCreateResponse';
import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import { BODY_LIMITS, readBody, type BrokerRequest } from '../input/brokerRequest';
import { parseCreateSessionBody } from '../input/parseCreateSessionBody';
import { parseIdleTimeout } from '../input/parseIdleTimeout';
import { parseCaller, parseIdempotencyKey, refuseSimpleCrossSiteRequest } from '../input/requestHeaders';
import { createSession } from '../sessions/createSession';
import { parseWorkbookAddress } from '../workbookAddress';

/** POST …/workbook/createSession → 201 `{"id", "persistChanges"}` (Graph's answer), or 202 + Location for a long create. */
export async function answerCreateSession(request: BrokerRequest, invocation: Invocation): Promise<BrokerResponse> {
  const { deps } = invocation;
  refuseSimpleCrossSiteRequest(request.headers);
  const workbook = parseWorkbookAddress(request.params, deps.config);
  const idleTimeoutSeconds = parseIdleTimeout(request.headers, deps.config);
  const idempotencyKey = parseIdempotencyKey(request.headers);
  const persistChanges = parseCreateSessionBody(await readBody(request, BODY_LIMITS.sessionCall));
  const outcome = await createSession(
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
