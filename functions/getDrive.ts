import { declareHttp } from '../host/declare';
import { driveFunction } from '../shared/drives/driveFunction';

/** GET drives/{driveId}: the drive as Graph answers it, for a picker (shared/drives/getDrive.ts). */
declareHttp(driveFunction('getDrive'));
