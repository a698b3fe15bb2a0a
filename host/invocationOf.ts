import type { InvocationContext } from '@azure/functions';
import type { Invocation, Deps } from '../shared/deps';
import { invocationLogger } from './invocationLogger';

/** One invocation's view of the deps: the shared effects plus this invocation's logger and request id. */
export function invocationOf(context: InvocationContext, deps: Deps): Invocation {
  return { deps, log: invocationLogger(context), requestId: deps.newRequestId() };
}
