import { declareHttp } from '../host/declare';
import { driveFunction } from '../shared/drives/driveFunction';

/** GET drives/{driveId}/items/{itemId}/children: a folder, folders and workbooks only (shared/drives/listDriveChildren.ts). */
declareHttp(driveFunction('listDriveItemChildren'));
