import { declareHttp } from '../host/declare';
import { driveFunction } from '../shared/drives/driveFunction';

/** GET broker/drives: the drives of ALLOWED_DRIVE_IDS, named by Graph (shared/drives/listDrives.ts). */
declareHttp(driveFunction('listDrives'));
