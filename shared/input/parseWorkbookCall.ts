import type { Config } from '../config';
import { BadRequestError } from '../errors';
import { GRAPH_METHODS, type GraphMethod } from '../graph/graphRequest';
import { type WorkbookAddress, parseWorkbookAddress } from '../workbookAddress';
import { BODY_LIMITS, type BrokerRequest, readBodyBytes } from './brokerRequest';
import { requireJsonBody } from './jsonBody';
import { parseWorkbookPath, type WorkbookPath, type WorkbookTarget } from './workbookPath';
import {
  parseCaller,
  type Caller,
  parseIdempotencyKey,
  refuseSimpleCrossSiteRequest,
  parseSessionId,
} from './requestHeaders';
import { requestHeadersFor } from './forwardedRequestHeaders';

/** A workbook call as the gateway forwards it; everything in it has been checked. */
export interface WorkbookCallInput {
  readonly workbook: WorkbookAddress;
  readonly method: GraphMethod;
  readonly target: WorkbookPath;
  /** Only the headers Graph acts on (forwardedRequestHeaders.ts). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
  readonly sessionId: string | undefined;
  readonly caller: Caller | undefined;
  /**
   * `Idempotency-Key` on a POST, PATCH or DELETE: done at most once (replayKeys.ts). A DELETE is keyed too, because
   * deleting `rows/itemAt(index=n)` again would take the next row. GET and PUT repeat safely.
   */
  readonly idempotencyKey: string | undefined;
  /** `GET …/operations/{id}`: a workbook operation's status, whose `resourceLocation` is pointed at the broker. */
  readonly isOperationStatus: boolean;
}

const KEYED_METHODS: ReadonlySet<GraphMethod> = new Set(['POST', 'PATCH', 'DELETE']);

/**
 * Checks a forwarded call before anything is called or written: the workbook (ids, allowed drive), the path after
 * `workbook/` as the route table read it (workbookPath.ts), the session header when there is one, a browser's simple
 * cross-site write, and the body — refused past 4 MiB while it streams in, and unless it is JSON (jsonBody.ts).
 */
export async function parseWorkbookCall(
  request: BrokerRequest,
  config: Config,
  routed: { readonly target: WorkbookTarget | undefined; readonly operationId?: string | undefined },
): Promise<WorkbookCallInput> {
  const method = GRAPH_METHODS.find((m) => m === request.method.toUpperCase());
  if (method === undefined) throw new BadRequestError(`The method ${request.method} is not forwarded.`);
  const workbook = parseWorkbookAddress(request.params, config);
  const target = parseWorkbookPath(routed.target);
  const sessionId = request.headers.get('workbook-session-id') === null ? undefined : parseSessionId(request.headers);
  if (method !== 'GET') refuseSimpleCrossSiteRequest(request.headers);
  const bytes = method === 'GET' ? undefined : await readBodyBytes(request, BODY_LIMITS.workbookCall);
  if (bytes !== undefined && bytes.byteLength > 0) requireJsonBody(request.headers, bytes);
  return {
    workbook,
    method,
    target,
    headers: requestHeadersFor(request.headers),
    body: bytes === undefined || bytes.byteLength === 0 ? undefined : bytes,
    sessionId,
    caller: parseCaller(request.headers),
    idempotencyKey: KEYED_METHODS.has(method) ? parseIdempotencyKey(request.headers) : undefined,
    isOperationStatus: routed.operationId !== undefined,
  };
}
