import { ANSWER_BUDGET_MS } from '../budgets';
import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import { driveUrl } from '../graph/driveUrl';
import type { BrokerRequest } from '../input/brokerRequest';
import { parseDriveId } from '../workbookAddress';
import { getOnGraph, okJson } from './getOnGraph';

/**
 * GET drives/{driveId}: the drive as Graph answers it (https://learn.microsoft.com/graph/api/drive-get), for a
 * picker to show where it browses. A drive outside ALLOWED_DRIVE_IDS is refused before Graph is called.
 */
export async function getDrive(request: BrokerRequest, invocation: Invocation): Promise<BrokerResponse> {
  const { deps } = invocation;
  const driveId = parseDriveId(request.params, deps.config);
  const url = driveUrl(deps.config.graphBaseUrl, driveId);
  const reply = await getOnGraph(invocation, 'getDrive', url, deps.now() + ANSWER_BUDGET_MS);
  okJson(reply, deps.now());
  // Graph's bytes, unchanged: the drive resource has more than a picker reads, and none of it is the broker's to edit.
  return {
    status: reply.status,
    headers: { 'content-type': reply.headers.get('content-type') ?? 'application/json' },
    body: reply.body,
  };
}
