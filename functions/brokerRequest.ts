import { declareHttp } from '../host/declare';
import { brokerWorkbookFunction } from '../shared/routes/brokerRoutes';

/**
 * The broker's own operations on a workbook, under its own prefix: rows as named columns, rows by key, and the
 * advanced action's way to any workbook path (shared/routes/brokerRoutes.ts).
 */
declareHttp(brokerWorkbookFunction);
