import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import type { BrokerRequest } from '../input/brokerRequest';
import { parseSessionCall } from '../input/parseSessionCall';
import { closeSession } from '../sessions/closeSession';

/** POST …/workbook/closeSession with `workbook-session-id` → 204, again 204 when already closed. */
export async function answerCloseSession(request: BrokerRequest, invocation: Invocation): Promise<BrokerResponse> {
  await closeSession(await parseSessionCall(request, invocation.deps.config), invocation);
  return { status: 204 };
}
