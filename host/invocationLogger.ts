import type { InvocationContext } from '@azure/functions';
import type { Logger } from '../shared/deps';

/** The session logic's logger over one invocation's context, so lines are correlated with the invocation. */
export function invocationLogger(context: InvocationContext): Logger {
  const line = (message: string, properties?: Record<string, unknown>) =>
    properties ? `${message} ${JSON.stringify(properties)}` : message;
  return {
    info: (message, properties) => context.info(line(message, properties)),
    warn: (message, properties) => context.warn(line(message, properties)),
    error: (message, properties) => context.error(line(message, properties)),
  };
}
