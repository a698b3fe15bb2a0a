import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import { BadRequestError, ItemNotFoundError, MethodNotAllowedError } from '../errors';
import { GRAPH_METHODS, type GraphMethod } from '../graph/graphRequest';
import type { BrokerRequest } from '../input/brokerRequest';
import { readItemTarget, workbookTargetFromText } from '../input/workbookPath';
import { answerRowCall } from '../rows/answerRowCall';
import type { RowOperation } from '../rows/parseRowCall';
import { serveWorkbookTarget } from './workbookRoutes';

/**
 * The broker's own operations — what Graph has no call for — under one prefix outside Graph's path space, so no Graph
 * path can ever mean one of them: rows as named columns, rows by key, and the advanced action's way to any workbook
 * path (docs/http-contract.md, "The broker's own operations").
 */
export const BROKER_PREFIX = 'broker';

/** After `tables/{table}/`: each path's operations by method. */
const TABLE_OPERATIONS: Readonly<Record<string, Partial<Record<GraphMethod, RowOperation>>>> = {
  schema: { GET: 'schema' },
  rows: { GET: 'listRows', POST: 'addRows' },
  row: { GET: 'getRow', POST: 'addRow', PATCH: 'updateRow', DELETE: 'deleteRow' },
};

/** The one function that serves the operations on a workbook under the prefix. */
export const brokerWorkbookFunction = {
  name: 'brokerRequest',
  methods: [...GRAPH_METHODS],
  route: `${BROKER_PREFIX}/drives/{driveId}/items/{itemId}/{*path}`,
  handler: serveBrokerCall,
};

async function serveBrokerCall(request: BrokerRequest, invocation: Invocation): Promise<BrokerResponse> {
  const target = readItemTarget(request.url);
  const segments = (target?.segments ?? []).filter((segment, index, all) => segment !== '' || index < all.length - 1);
  const method = request.method.toUpperCase();
  if (segments.length === 1 && segments[0]?.toLowerCase() === 'workbook') {
    return serveWorkbookTarget(request, invocation, workbookTargetFromText(pathParameter(target?.query ?? '')));
  }
  const [tables, tableSegment, part] = segments;
  const name = part?.toLowerCase() ?? '';
  const operations =
    segments.length === 3 && tables?.toLowerCase() === 'tables' && Object.hasOwn(TABLE_OPERATIONS, name)
      ? TABLE_OPERATIONS[name]
      : undefined;
  if (operations === undefined || tableSegment === undefined) {
    throw new ItemNotFoundError('The broker has no operation at this path; see its HTTP contract.');
  }
  const operation = operations[method as GraphMethod];
  if (operation === undefined) throw new MethodNotAllowedError(Object.keys(operations));
  return answerRowCall(request, invocation, { operation, tableSegment, query: target?.query ?? '' });
}

/** The advanced action's `path`: the workbook path as plain text, required. */
function pathParameter(query: string): string {
  const path = new URLSearchParams(query).get('path');
  if (path === null || path.trim() === '') {
    throw new BadRequestError('Give the workbook path after workbook/ in the path query parameter.');
  }
  return path;
}
