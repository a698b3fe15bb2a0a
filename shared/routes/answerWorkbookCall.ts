import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import type { BrokerRequest } from '../input/brokerRequest';
import { parseWorkbookCall } from '../input/parseWorkbookCall';
import { forwardWorkbookCall } from '../workbook/forwardWorkbookCall';
import type { RoutedCall } from './routeHandler';

/**
 * Any other workbook call — worksheets, ranges, tables, rows — made on Graph as the broker's identity, in the caller's
 * session, and answered with Graph's answer.
 */
export async function answerWorkbookCall(
  request: BrokerRequest,
  invocation: Invocation,
  call: RoutedCall,
): Promise<BrokerResponse> {
  return forwardWorkbookCall(await parseWorkbookCall(request, invocation.deps.config, call), invocation);
}
