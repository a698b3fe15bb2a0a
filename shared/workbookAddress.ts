import type { Config } from './config';
import { BadRequestError, ForbiddenError } from './errors';

/** The canonical driveItem address, the one every generated Graph SDK uses: `/drives/{driveId}/items/{itemId}`. */
export interface WorkbookAddress {
  readonly driveId: string;
  readonly itemId: string;
}

/** One string per workbook, for maps and logs (the ids cannot hold a NUL). */
export function workbookKey(workbook: WorkbookAddress): string {
  return `${workbook.driveId}\u0000${workbook.itemId}`;
}

// Drive ids look like `b!` + base64url, item ids like `01ABC…`: a narrow alphabet. `/ \ ? # %`, whitespace and
// control characters could change which Graph URL is called, so they are refused before anything else happens.
const ID = /^[A-Za-z0-9!_.~,:=+@$-]{1,256}$/;

/**
 * The workbook named by the route, checked: both ids plausible (no path escape, no `..`, bounded length) and the
 * drive among ALLOWED_DRIVE_IDS.
 */
export function parseWorkbookAddress(
  params: Readonly<Record<string, string | undefined>>,
  config: Config,
): WorkbookAddress {
  const driveId = checkId(params.driveId, 'drive id');
  const itemId = checkId(params.itemId, 'item id');
  refuseUnservedDrive(driveId, config);
  return { driveId, itemId };
}

/**
 * The drive named by the route, checked as a workbook's drive is: a plausible id, among ALLOWED_DRIVE_IDS. For the
 * calls that name a drive and no item (the drive itself, its root's children).
 */
export function parseDriveId(params: Readonly<Record<string, string | undefined>>, config: Config): string {
  const driveId = checkId(params.driveId, 'drive id');
  refuseUnservedDrive(driveId, config);
  return driveId;
}

function refuseUnservedDrive(driveId: string, config: Config): void {
  if (config.allowedDriveIds !== '*' && !config.allowedDriveIds.has(driveId)) {
    throw new ForbiddenError('This drive is not served by the session broker (ALLOWED_DRIVE_IDS).');
  }
}

function checkId(value: string | undefined, what: string): string {
  if (value === undefined || !ID.test(value) || value.includes('..')) {
    throw new BadRequestError(`The ${what} in the path is missing or malformed.`);
  }
  return value;
}
