import type { Config } from '../config';
import type { SessionCallInput } from '../sessions/refreshSession';
import { type BrokerRequest, BODY_LIMITS, readBody } from './brokerRequest';
import { parseCaller, parseSessionId, refuseSimpleCrossSiteRequest } from './requestHeaders';
import { parseWorkbookAddress } from '../workbookAddress';

/** refreshSession and closeSession take the same input: the workbook, `workbook-session-id`, and the caller. */
export async function parseSessionCall(request: BrokerRequest, config: Config): Promise<SessionCallInput> {
  refuseSimpleCrossSiteRequest(request.headers); // workbook-session-id is required, so only a preflighted call passes
  const workbook = parseWorkbookAddress(request.params, config);
  const sessionId = parseSessionId(request.headers);
  await readBody(request, BODY_LIMITS.sessionCall); // Graph takes no body on these calls; an oversized one is still refused.
  return { workbook, sessionId, caller: parseCaller(request.headers) };
}
