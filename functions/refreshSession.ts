import { declareHttp } from '../host/declare';
import { workbookFunction } from '../shared/routes/workbookRoutes';

/** POST …/workbook/refreshSession: the caller still uses its session (shared/routes/answerRefreshSession.ts). */
declareHttp(workbookFunction('refreshSession'));
