import type { InvocationContext } from '@azure/functions';
import type { Invocation, Deps, Logger } from '../shared/deps';

/** One invocation's view of the deps: the shared effects plus this invocation's logger and request id. */
export function invocationOf(context: InvocationContext, deps: Deps): Invocation {
  return { deps, log: invocationLogger(context), requestId: deps.newRequestId() };
}

/** The session logic's logger over one invocation's context, so lines are correlated with the invocation. */
function invocationLogger(context: InvocationContext): Logger {
  const line = (message: string, properties?: Record<string, unknown>) =>
    properties ? `${message} ${JSON.stringify(properties)}` : message;
  return {
    info: (message, properties) => context.info(line(message, properties)),
    warn: (message, properties) => context.warn(line(message, properties)),
    error: (message, properties) => context.error(line(message, properties)),
  };
}
