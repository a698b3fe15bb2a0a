import type { WorkbookAddress } from '../workbookAddress';
import { callInTurn } from './callInTurn';
import type { GraphClientOptions } from './graphClientOptions';
import type { CallOptions, GraphCall, GraphReply, GraphRequest } from './graphRequest';
import { createSessionCalls, type SessionCalls } from './sessionCalls';
import { workbookUrl } from './workbookUrl';

export type { CreateResult, GraphSession, OperationStatus } from './graphResults';
export type { CallOptions, GraphAnswer, GraphMethod, GraphReply, GraphRequest } from './graphRequest';
export type { GraphCallRecord, GraphClientOptions } from './graphClientOptions';

export interface GraphClient extends SessionCalls {
  /**
   * Any call, answered with what Graph finally said after the retries its kind allows — an error status is an answer
   * too. Throws only when no answer came (`GraphUnavailableError`), no token could be had, Graph refused the
   * broker's token twice (`502`).
   */
  call(request: GraphRequest, options: CallOptions): Promise<GraphReply>;
  /** `{GRAPH_BASE_URL}/drives/{driveId}/items/{itemId}/workbook/{path}`, `path` taken as already encoded. */
  workbookUrl(workbook: WorkbookAddress, path: string): string;
}

/**
 * Graph calls (https://learn.microsoft.com/graph/api/resources/excel) through one generic call (callInTurn.ts): the
 * workbook's turn, retries by the call's kind (sendWithRetries.ts), a refused token dropped and tried once more
 * (sendAuthorized.ts), each attempt bounded in time (sendAttempt.ts). The session calls are built on it
 * (sessionCalls.ts). The token never leaves these files: it is not logged, not in an error, and never sent outside
 * GRAPH_BASE_URL's origin (locations are checked, sameOrigin.ts).
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const call: GraphCall = (request, callOptions) => callInTurn(options, request, callOptions);
  return {
    call,
    workbookUrl: (workbook, path) => workbookUrl(options.baseUrl, workbook, path),
    ...createSessionCalls(options, call),
  };
}
