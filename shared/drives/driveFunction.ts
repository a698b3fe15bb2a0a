import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import type { BrokerRequest } from '../input/brokerRequest';
import { getDrive } from './getDrive';
import { listDriveItemChildren, listDriveRootChildren } from './listDriveChildren';
import { listDrives } from './listDrives';

/**
 * The pickers' functions, one a line: what a workbook picker browses before it has a workbook, sessionless and made
 * as the broker's identity. GET only: the host answers any other method as it answers a path no function has. The
 * routes share no shape with the workbook surface's (`drives/{driveId}/items/{itemId}/workbook/…`): no route of one
 * matches a path of the other, whichever order the host tries them in.
 */
const DRIVE_FUNCTIONS = {
  getDrive: { route: 'drives/{driveId}', handler: getDrive },
  listDriveRootChildren: { route: 'drives/{driveId}/root/children', handler: listDriveRootChildren },
  listDriveItemChildren: { route: 'drives/{driveId}/items/{itemId}/children', handler: listDriveItemChildren },
  listDrives: { route: 'broker/drives', handler: listDrives },
} as const;

/** The declaration of one picker function, for the function file to register. */
export interface DriveFunction {
  readonly name: keyof typeof DRIVE_FUNCTIONS;
  readonly methods: 'GET'[];
  /** Relative to the route prefix (shared/brokerUrls.ts). */
  readonly route: string;
  readonly handler: (request: BrokerRequest, invocation: Invocation) => Promise<BrokerResponse>;
}

export function driveFunction(name: keyof typeof DRIVE_FUNCTIONS): DriveFunction {
  const { route, handler } = DRIVE_FUNCTIONS[name];
  return { name, methods: ['GET'], route, handler };
}
