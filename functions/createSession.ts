import { declareHttp } from '../host/declare';
import { workbookFunction } from '../shared/routes/workbookRoutes';

/** POST …/workbook/createSession: a workbook session, made and recorded (shared/routes/answerCreateSession.ts). */
declareHttp(workbookFunction('createSession'));
