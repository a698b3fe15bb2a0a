import type { IncomingHttpHeaders } from 'node:http';
import type { Workbook } from 'exceljs';
import { emptyReply, jsonReply, type EmulatorReply } from '../emulatorReply';
import { badRequest, GraphError, itemNotFound } from '../graphError';
import { excelError, invalidArgument } from './excelErrors';
import { isRecord } from '../toFaultRule';
import type { OperationBook, RowResult } from '../operationBook';
import type { GraphRoute } from '../parseGraphPath';
import type { SessionBook } from '../sessionBook';
import type { WorkbookOp } from '../types';
import { shapeReply } from '../shapeReply';
import { prefersAsync } from '../workbookOperations';
import type { LocalDrive } from './localDrive';
import { getRange, updateRange, usedRange } from './ranges';
import { addressIn, getName, listNames } from './names';
import { getColumn, listColumns, tableRange, updateTableRange } from './tableColumns';
import { addRows, deleteRow, getRow, indexFromBody, listRows, updateRow } from './tableRows';
import { findTable, tableJson, tablesIn } from './tables';
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
    // The result is there once the operation has finished, whether or not anyone polled it in between.
    ctx.operations.settle(now);
    const operation = ctx.operations.get(route.operationId ?? '');
    if (operation?.rowResult === undefined || operation.status !== 'succeeded' || operation.itemId !== itemId) {
      throw excelError(404, 'itemNotFound', "The requested resource doesn't exist.");
    }
    return jsonReply(200, operation.rowResult);
  }

  const work = workFor(route, parseBody(request.body, route.op));
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
  if (work.status === 204) return emptyReply(204);
  return jsonReply(work.status, work.mode === 'read' ? shapeReply(json, request.query) : json);
}

// Each operation, by what it reads or changes. `scope` is the sheet named in the path, when one is.
function workFor(route: GraphRoute & { op: WorkbookOp }, body: unknown): Work {
  const sheetOf = (workbook: Workbook) => findWorksheet(workbook, route.worksheet ?? '');
  const scope = (workbook: Workbook) => (route.worksheet === undefined ? undefined : sheetOf(workbook));
  const tableOf = (workbook: Workbook) => findTable(workbook, route.table ?? '', scope(workbook));
  const rowIndex = () => route.rowIndex ?? indexFromBody(body);
  const read = (run: (workbook: Workbook) => unknown): Work => ({ mode: 'read', status: 200, run });
  const write = (status: number, run: (workbook: Workbook) => () => unknown): Work => ({ mode: 'write', status, run });
  const works: Record<WorkbookOp, () => Work> = {
    listWorksheets: () =>
      read((workbook) => ({ value: worksheetsOf(workbook).map((sheet) => worksheetJson(workbook, sheet)) })),
    getWorksheet: () => read((workbook) => worksheetJson(workbook, sheetOf(workbook))),
    // worksheetcollection-add documents 200 for `worksheets/add`; a POST on the collection creates, with 201.
    addWorksheet: () => write(200, (workbook) => added(workbook, body)),
    createWorksheet: () => write(201, (workbook) => added(workbook, body)),
    getRange: () => read((workbook) => getRange(sheetOf(workbook), addressIn(workbook, route.address ?? ''))),
    updateRange: () =>
      write(200, (workbook) => updateRange(sheetOf(workbook), addressIn(workbook, route.address ?? ''), body)),
    getUsedRange: () => read((workbook) => usedRange(sheetOf(workbook), route.valuesOnly === true)),
    listTables: () => read((workbook) => ({ value: tablesIn(workbook, scope(workbook)).map(tableJson) })),
    getTable: () => read((workbook) => tableJson(tableOf(workbook))),
    getTableRange: () => read((workbook) => tableRange(tableOf(workbook), route.tablePart ?? 'range', route.column)),
    updateTableRange: () =>
      write(200, (workbook) => updateTableRange(tableOf(workbook), route.tablePart ?? 'range', route.column, body)),
    listTableColumns: () => read((workbook) => listColumns(tableOf(workbook))),
    getTableColumn: () => read((workbook) => getColumn(tableOf(workbook), route.column ?? '')),
    listTableRows: () => read((workbook) => listRows(tableOf(workbook))),
    getTableRow: () => read((workbook) => getRow(tableOf(workbook), rowIndex())),
    updateTableRow: () => write(200, (workbook) => updateRow(tableOf(workbook), rowIndex(), body)),
    // tablerow-delete shows 200 with no body, "Working with Excel" 204; a delete answers 204 here, as Graph's do.
    deleteTableRow: () => write(204, (workbook) => deleteRow(tableOf(workbook), rowIndex())),
    // tablerowcollection-add answers 200; table-post-rows (a POST on the collection) answers 201.
    addTableRows: () => write(200, (workbook) => addRows(tableOf(workbook), body)),
    createTableRows: () => write(201, (workbook) => addRows(tableOf(workbook), body)),
    listNames: () => read((workbook) => listNames(workbook)),
    // The emulator always calculates after a change, as Excel's Automatic mode does (workbookapplication-get).
    getApplication: () => read(() => ({ calculationMode: 'Automatic' })),
    // workbookapplication-calculate: 200 with no body; the store recalculates after any write.
    calculateApplication: () => write(200, () => calculation(body)),
    getName: () => read((workbook) => getName(workbook, route.name ?? '')),
    getTableRowOperationResult: () => {
      throw new GraphError(500, 'internalServerError', 'Operation results are answered before any workbook is opened.');
    },
  };
  return works[route.op]();
}

const calculationTypes = ['Recalculate', 'Full', 'FullRebuild'];

function calculation(body: unknown): () => undefined {
  const type = isRecord(body) ? body.calculationType : undefined;
  if (typeof type !== 'string' || !calculationTypes.includes(type)) {
    throw invalidArgument(`'calculationType' must be one of ${calculationTypes.join(', ')}.`);
  }
  return () => undefined;
}

function added(workbook: Workbook, body: unknown): () => unknown {
  const sheet = addWorksheet(workbook, body);
  return () => worksheetJson(workbook, sheet);
}

const bodyless: ReadonlySet<WorkbookOp> = new Set(['addWorksheet', 'createWorksheet', 'deleteTableRow']);

// Graph refuses a payload it cannot read; a worksheet may be added, and a row deleted, with no body at all.
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
