import { GraphError } from '../errors';

/**
 * A location from Graph's answers (an operation's, a session's) made absolute, and refused unless it is on
 * GRAPH_BASE_URL's origin: the broker's token goes only where GRAPH_BASE_URL points.
 */
export function sameOrigin(location: string, baseUrl: string): string {
  const url = new URL(location, `${baseUrl}/`);
  if (url.origin !== new URL(baseUrl).origin) {
    throw new GraphError(
      502,
      'badGateway',
      'Microsoft Graph pointed to a location outside its own address.',
      undefined,
      undefined,
    );
  }
  return url.toString();
}
