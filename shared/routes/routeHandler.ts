import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import type { BrokerRequest } from '../input/brokerRequest';
import type { WorkbookTarget } from '../input/workbookPath';

/**
 * A call as the route table routed it: the path after `workbook/`, read from the request's URL once, and what its
 * route took from that path. Handlers read this, never the URL.
 */
export interface RoutedCall {
  /** `undefined` when the URL names no workbook path (then only forwarding matches, and it refuses with 400). */
  readonly target: WorkbookTarget | undefined;
  /** `GET …/operations/{operationId}`: the id, percent-decoded as the host decodes a route parameter. */
  readonly operationId?: string;
}

/** What serves one route of the workbook surface (workbookRoutes.ts); what it throws becomes Graph's error shape. */
export type RouteHandler = (
  request: BrokerRequest,
  invocation: Invocation,
  call: RoutedCall,
) => Promise<BrokerResponse>;
