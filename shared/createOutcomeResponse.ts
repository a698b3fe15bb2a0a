import type { BrokerResponse } from './errorResponse';
import type { WorkbookAddress } from './graph/graphClient';
import type { CreateOutcome } from './sessions/followOperation';

/**
 * createSession's and getOperation's answer: `201` with exactly Graph's body, or `202` with `Location` (the broker's
 * own getOperation URL, on the host the caller used) and `Retry-After` — the async pattern Power Automate follows
 * by itself.
 */
export function toCreateResponse(outcome: CreateOutcome, requestUrl: string, workbook: WorkbookAddress): BrokerResponse {
  if (outcome.kind === 'created') {
    return { status: 201, jsonBody: { id: outcome.session.id, persistChanges: outcome.session.persistChanges } };
  }
  const path =
    `/api/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}` +
    `/workbook/operations/${encodeURIComponent(outcome.operationId)}`;
  return {
    status: 202,
    headers: { location: new URL(path, requestUrl).toString(), 'retry-after': String(outcome.retryAfterSeconds) },
  };
}
