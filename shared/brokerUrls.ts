import type { Config } from './config';
import type { WorkbookAddress } from './workbookAddress';

/** host.json `extensions.http.routePrefix`: every HTTP function is under it. */
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
