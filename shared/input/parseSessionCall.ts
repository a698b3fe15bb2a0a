import type { Config } from '../config';
import { type BrokerRequest, BODY_LIMITS, readBody } from './brokerRequest';
import { type Caller, parseCaller, parseSessionId, refuseSimpleCrossSiteRequest } from './requestHeaders';
import { type WorkbookAddress, parseWorkbookAddress } from '../workbookAddress';

/** What refreshSession and closeSession act on, checked. */
export interface SessionCallInput {
  readonly workbook: WorkbookAddress;
  readonly sessionId: string;
  readonly caller: Caller | undefined;
}

/** refreshSession and closeSession take the same input: the workbook, `workbook-session-id`, and the caller. */
export async function parseSessionCall(request: BrokerRequest, config: Config): Promise<SessionCallInput> {
  refuseSimpleCrossSiteRequest(request.headers); // workbook-session-id is required, so only a preflighted call passes
  const workbook = parseWorkbookAddress(request.params, config);
  const sessionId = parseSessionId(request.headers);
  await readBody(request, BODY_LIMITS.sessionCall); // Graph takes no body on these calls; an oversized one is still refused.
  return { workbook, sessionId, caller: parseCaller(request.headers) };
}
