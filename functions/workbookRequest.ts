import { declareHttp } from '../host/declare';
import { workbookFunction } from '../shared/routes/workbookRoutes';

/**
 * Any other workbook call, made on Graph as the broker's identity (shared/routes/answerWorkbookCall.ts). Its catch-all
 * route also matches the paths of the four other workbook functions; the route table answers each path the same
 * whichever function the host picks (shared/routes/workbookRoutes.ts).
 */
declareHttp(workbookFunction('workbookRequest'));
