import type { Config } from './config';
import type { WorkbookAddress } from './workbookAddress';

/**
 * The route prefix every HTTP function is under, its one home in the code. The Functions host reads it only from
 * host.json (`extensions.http.routePrefix`, https://learn.microsoft.com/azure/azure-functions/functions-host-json#http),
 * so that file says it again, and test/routePrefix.test.ts holds the two (and the connector's basePath) together.
 */
export const ROUTE_PREFIX = 'api';

/** The broker's `api/` root as callers reach it: absolute when its public address is known, else host-relative. */
export function brokerApiUrl(config: Pick<Config, 'publicBaseUrl'>): string {
  return `${config.publicBaseUrl ?? ''}/${ROUTE_PREFIX}`;
}

/** The broker's getOperation URL for one of its long creates. */
export function operationUrl(
  config: Pick<Config, 'publicBaseUrl'>,
  workbook: WorkbookAddress,
  operationId: string,
): string {
  return (
    `${brokerApiUrl(config)}/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}` +
    `/workbook/operations/${encodeURIComponent(operationId)}`
  );
}
