import type { IncomingHttpHeaders } from 'node:http';
import type { Workbook } from 'exceljs';
import { emptyReply, jsonReply, type EmulatorReply } from '../emulatorReply';
import { badRequest, GraphError, itemNotFound } from '../graphError';
import { excelError } from './excelErrors';
import type { OperationBook, RowResult } from '../operationBook';
import type { GraphRoute } from '../parseGraphPath';
import type { SessionBook } from '../sessionBook';
import type { WorkbookOp } from '../types';
import { prefersAsync } from '../workbookOperations';
import type { LocalDrive } from './localDrive';
import { getRange, updateRange, usedRange } from './ranges';
import { addRows, findTable, listRows, tableJson, tablesIn } from './tables';
import { addWorksheet, findWorksheet, worksheetJson, worksheetsOf } from './worksheets';
import type { WorkbookStore } from './workbookStore';

// The workbook calls inside a session (or sessionless), against the drive's real workbooks. A call with
// `workbook-session-id` must name a live session of this item and restarts its idle clock; a persistent session and
// a sessionless call work on the item's file, a non-persistent session on its own copy.

export interface WorkbookRequestContext {
  drive: LocalDrive;
  store: WorkbookStore;
  sessions: SessionBook;
  operations: OperationBook;
  now: () => number;
  /** e.g. http://127.0.0.1:PORT/v1.0 */
  baseUrl: string;
  /** Above 0: `POST …/rows` with `Prefer: respond-async` in a session answers 202 and an operation this long. */
  asyncRowsMs: () => number;
}

export interface WorkbookRequest {
  route: GraphRoute & { op: WorkbookOp };
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
  body: Buffer;
  sessionId?: string;
}

// A read answers from the workbook; a write changes it and returns how to answer once it has been recalculated.
type Work =
  | { mode: 'read'; status: number; run: (workbook: Workbook) => unknown }
  | { mode: 'write'; status: number; run: (workbook: Workbook) => () => unknown };

export async function runWorkbookRequest(
  request: WorkbookRequest,
  ctx: WorkbookRequestContext,
): Promise<EmulatorReply> {
  const { route, sessionId } = request;
  const driveId = route.driveId ?? '';
  const itemId = route.itemId ?? '';
  const item = ctx.drive.find(driveId, itemId);
  if (item === undefined) throw itemNotFound();
  const now = ctx.now();
  const session = sessionId === undefined ? undefined : ctx.sessions.use(sessionId, driveId, itemId, now);

  if (route.op === 'getTableRowOperationResult') {
    const operation = ctx.operations.get(route.operationId ?? '');
    if (operation?.rowResult === undefined || operation.status !== 'succeeded' || operation.itemId !== itemId) {
      throw excelError(404, 'itemNotFound', "The requested resource doesn't exist.");
    }
    return jsonReply(200, operation.rowResult);
  }

  const work = workFor(route, request, parseBody(request.body, route.op));
  const document = ctx.store.documentFor(item, session);
  const json =
    work.mode === 'read' ? await ctx.store.read(document, work.run) : await ctx.store.write(document, work.run);

  const asyncMs = ctx.asyncRowsMs();
  if (route.op === 'createTableRows' && session !== undefined && asyncMs > 0 && prefersAsync(request.headers)) {
    const operation = ctx.operations.startRows(driveId, itemId, session.id, json as RowResult, now, asyncMs);
    const item = `${ctx.baseUrl}/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}`;
    const location = `${item}/workbook/operations/${operation.id}?sessionId=${encodeURIComponent(session.id)}`;
    return jsonReply(202, {}, { Location: location });
  }
  return work.status === 204 ? emptyReply(204) : jsonReply(work.status, json);
}

function workFor(route: GraphRoute & { op: WorkbookOp }, request: WorkbookRequest, body: unknown): Work {
  const sheetOf = (workbook: Workbook) => findWorksheet(workbook, route.worksheet ?? '');
  const scope = (workbook: Workbook) => (route.worksheet === undefined ? undefined : sheetOf(workbook));
  const tableOf = (workbook: Workbook) => findTable(workbook, route.table ?? '', scope(workbook));
  const read = (run: (workbook: Workbook) => unknown): Work => ({ mode: 'read', status: 200, run });
  const write = (status: number, run: (workbook: Workbook) => () => unknown): Work => ({ mode: 'write', status, run });
  switch (route.op) {
    case 'listWorksheets':
      return read((workbook) => ({ value: worksheetsOf(workbook).map((sheet) => worksheetJson(workbook, sheet)) }));
    case 'getWorksheet':
      return read((workbook) => worksheetJson(workbook, sheetOf(workbook)));
    // worksheetcollection-add documents 200 for `worksheets/add`; a POST on the collection creates, with 201.
    case 'addWorksheet':
    case 'createWorksheet':
      return write(route.op === 'addWorksheet' ? 200 : 201, (workbook) => {
        const sheet = addWorksheet(workbook, body);
        return () => worksheetJson(workbook, sheet);
      });
    case 'getRange':
      return read((workbook) => getRange(sheetOf(workbook), route.address ?? ''));
    case 'updateRange':
      return write(200, (workbook) => updateRange(sheetOf(workbook), route.address ?? '', body));
    case 'getUsedRange':
      return read((workbook) => usedRange(sheetOf(workbook), route.valuesOnly === true));
    case 'listTables':
      return read((workbook) => ({ value: tablesIn(workbook, scope(workbook)).map(tableJson) }));
    case 'getTable':
      return read((workbook) => tableJson(tableOf(workbook)));
    case 'listTableRows':
      return read((workbook) => listRows(tableOf(workbook), request.query));
    // tablerowcollection-add answers 200; table-post-rows (a POST on the collection) answers 201.
    case 'addTableRows':
    case 'createTableRows':
      return write(route.op === 'addTableRows' ? 200 : 201, (workbook) => addRows(tableOf(workbook), body));
    case 'getTableRowOperationResult':
      throw new GraphError(500, 'internalServerError', 'Operation results are answered before any workbook is opened.');
  }
}

const bodyless: ReadonlySet<WorkbookOp> = new Set(['addWorksheet', 'createWorksheet']);

// Graph refuses a payload it cannot read; a worksheet may be added with no body at all.
function parseBody(body: Buffer, op: WorkbookOp): unknown {
  const text = body.toString('utf8').trim();
  if (text.length === 0) return bodyless.has(op) ? undefined : null;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}
