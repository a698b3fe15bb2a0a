import { operationIdIn, workbookTarget } from './workbookPath';

/**
 * Which function's work a request to the catch-all route really is. The Functions host tries routes in registration
 * order, not by specificity (https://github.com/Azure/azure-functions-host/issues/9876), so `workbookRequest` may be
 * handed the paths of createSession, refreshSession, closeSession and getOperation; it then does exactly what they
 * do. One trailing slash is ignored, as the host's routing ignores it for those routes.
 */
export type WorkbookRoute =
  'createSession' | 'refreshSession' | 'closeSession' | 'getOperation' | 'forward' | 'sessionCallMethodNotAllowed';

const sessionCalls: ReadonlyMap<string, WorkbookRoute> = new Map([
  ['createsession', 'createSession'],
  ['refreshsession', 'refreshSession'],
  ['closesession', 'closeSession'],
]);

function decodedOrRaw(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function routeWorkbookRequest(method: string, url: string): WorkbookRoute {
  const target = workbookTarget(url);
  if (target === undefined) return 'forward';
  const raw = target.rest.join('/').replace(/\/$/, '');
  // Routed as the host routes, on the decoded path: `%63reateSession` is createSession, not a call to forward to Graph.
  const rest = decodedOrRaw(raw);
  const verb = method.toUpperCase();
  const sessionCall = sessionCalls.get(rest.toLowerCase());
  // A session call is a POST; any other method on its path is refused here, never forwarded to Graph.
  if (sessionCall !== undefined) return verb === 'POST' ? sessionCall : 'sessionCallMethodNotAllowed';
  return verb === 'GET' && operationIdIn(rest) !== undefined ? 'getOperation' : 'forward';
}
