import { operationUrl } from '../brokerUrls';
import type { Config } from '../config';
import type { BrokerResponse } from '../errorResponse';
import type { WorkbookAddress } from '../workbookAddress';
import type { CreateOutcome } from '../sessions/followOperation';

/**
 * createSession's and getOperation's answer: `201` with exactly Graph's body, or `202` with `Location` (the broker's
 * own getOperation URL, at its own address — never the request's `Host`) and `Retry-After` — the async pattern
 * Power Automate follows by itself.
 */
export function toCreateResponse(
  outcome: CreateOutcome,
  config: Pick<Config, 'publicBaseUrl'>,
  workbook: WorkbookAddress,
): BrokerResponse {
  if (outcome.kind === 'created') {
    return { status: 201, jsonBody: { id: outcome.session.id, persistChanges: outcome.session.persistChanges } };
  }
  return {
    status: 202,
    headers: {
      location: operationUrl(config, workbook, outcome.operationId),
      'retry-after': String(outcome.retryAfterSeconds),
    },
  };
}
