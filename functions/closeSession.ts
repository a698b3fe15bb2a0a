import { declareHttp } from '../host/declare';
import { workbookFunction } from '../shared/routes/workbookRoutes';

/** POST …/workbook/closeSession: the caller is done with its session (shared/routes/answerCloseSession.ts). */
declareHttp(workbookFunction('closeSession'));
