import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import type { BrokerRequest } from '../input/brokerRequest';
import { parseSessionCall } from '../input/parseSessionCall';
import { refreshSession } from '../sessions/refreshSession';

/** POST …/workbook/refreshSession with `workbook-session-id` → 204; the caller's idle clock restarts. */
export async function answerRefreshSession(request: BrokerRequest, invocation: Invocation): Promise<BrokerResponse> {
  await refreshSession(await parseSessionCall(request, invocation.deps.config), invocation);
  return { status: 204 };
}
