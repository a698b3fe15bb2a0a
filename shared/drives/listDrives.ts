import { ANSWER_BUDGET_MS } from '../budgets';
import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import { GraphError } from '../errors';
import { driveUrl } from '../graph/driveUrl';
import { getOnGraph, okJson } from './getOnGraph';

/** One drive a picker may offer: the id as ALLOWED_DRIVE_IDS names it, its name and type as Graph reads them. */
export interface ServedDrive {
  readonly id: string;
  readonly name: string;
  readonly driveType?: string;
}

/**
 * GET broker/drives: the drives the broker serves, in ALLOWED_DRIVE_IDS' order, each named by Graph
 * (https://learn.microsoft.com/graph/api/drive-get), one call after another. With `*` the broker serves any drive
 * and has none to list: the caller types an id.
 */
export async function listDrives(_request: unknown, invocation: Invocation): Promise<BrokerResponse> {
  const { allowedDriveIds } = invocation.deps.config;
  const value: ServedDrive[] = [];
  if (allowedDriveIds !== '*') {
    const deadline = invocation.deps.now() + ANSWER_BUDGET_MS;
    for (const [index, id] of [...allowedDriveIds].entries()) {
      value.push(await servedDrive(invocation, id, index + 1, deadline));
    }
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, jsonBody: { value } };
}

/**
 * One drive, named by Graph. A drive Graph answers with an error (gone, no access, still throttled after the
 * retries) is listed by its id, so one bad entry never hides the others, and the log names the entry by its place in
 * the list, not by its id. No answer at all (Graph out of reach, no token) fails the whole list: the caller retries.
 */
async function servedDrive(
  invocation: Invocation,
  id: string,
  position: number,
  deadline: number,
): Promise<ServedDrive> {
  const { deps } = invocation;
  const url = `${driveUrl(deps.config.graphBaseUrl, id)}?$select=id,name,driveType`;
  const reply = await getOnGraph(invocation, 'getDrive', url, deadline);
  let drive: Record<string, unknown>;
  try {
    drive = okJson(reply, deps.now());
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    invocation.log.warn('Graph did not read a drive of ALLOWED_DRIVE_IDS; it is listed by its id.', {
      requestId: invocation.requestId,
      position,
      status: error.status,
      code: error.code,
      innerCode: error.innerCode,
    });
    return { id, name: id };
  }
  const name = typeof drive.name === 'string' && drive.name !== '' ? drive.name : id;
  return { id, name, ...(typeof drive.driveType === 'string' ? { driveType: drive.driveType } : {}) };
}
