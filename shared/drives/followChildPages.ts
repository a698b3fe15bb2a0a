import type { Invocation } from '../deps';
import { GraphError } from '../errors';
import { sameOrigin } from '../graph/sameOrigin';
import { getOnGraph, okJson } from './getOnGraph';

/** Pages followed for one listing: Graph answers up to 200 children a page, so a picker sees up to 2,000. */
export const MAX_CHILD_PAGES = 10;

/**
 * Every child of a folder, read page after page: a picker cannot follow `@odata.nextLink` through the broker, so the
 * broker follows it (https://learn.microsoft.com/graph/api/driveitem-list-children, https://learn.microsoft.com/graph/paging)
 * — only on GRAPH_BASE_URL's origin, where the broker's token may go, and for MAX_CHILD_PAGES pages at most. A folder
 * with more is listed that far, and the cut is logged.
 */
export async function followChildPages(invocation: Invocation, firstUrl: string, deadline: number): Promise<unknown[]> {
  const { deps } = invocation;
  const children: unknown[] = [];
  let url = firstUrl;
  for (let page = 1; ; page += 1) {
    const body = okJson(await getOnGraph(invocation, 'listDriveChildren', url, deadline), deps.now());
    if (!Array.isArray(body.value)) {
      throw new GraphError(
        502,
        'badGateway',
        'Microsoft Graph answered a listing without its items.',
        undefined,
        undefined,
      );
    }
    children.push(...(body.value as unknown[]));
    const next = body['@odata.nextLink'];
    if (typeof next !== 'string' || next === '') return children;
    if (page >= MAX_CHILD_PAGES) {
      invocation.log.warn('A folder listing was cut at its page limit.', {
        requestId: invocation.requestId,
        pages: page,
        items: children.length,
      });
      return children;
    }
    url = sameOrigin(next, deps.config.graphBaseUrl);
  }
}
