import { declareHttp } from '../host/declare';
import { driveFunction } from '../shared/drives/driveFunction';

/** GET drives/{driveId}/root/children: the drive's top folder, folders and workbooks only (shared/drives/listDriveChildren.ts). */
declareHttp(driveFunction('listDriveRootChildren'));
