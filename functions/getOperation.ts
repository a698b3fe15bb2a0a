import { declareHttp } from '../host/declare';
import { workbookFunction } from '../shared/routes/workbookRoutes';

/** GET …/workbook/operations/{operationId}: a long create's poll, or Graph's (shared/routes/answerGetOperation.ts). */
declareHttp(workbookFunction('getOperation'));
