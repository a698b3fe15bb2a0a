import { ANSWER_BUDGET_MS } from '../budgets';
import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import { driveUrl } from '../graph/driveUrl';
import type { BrokerRequest } from '../input/brokerRequest';
import { parseDriveId, parseWorkbookAddress } from '../workbookAddress';
import { followChildPages } from './followChildPages';
import { pickerItems } from './pickerItems';

/** GET drives/{driveId}/root/children: the drive's top folder, as a workbook picker shows it (pickerItems.ts). */
export async function listDriveRootChildren(request: BrokerRequest, invocation: Invocation): Promise<BrokerResponse> {
  const { config } = invocation.deps;
  const driveId = parseDriveId(request.params, config);
  return listChildren(invocation, driveUrl(config.graphBaseUrl, driveId, 'root', 'children'));
}

/**
 * GET drives/{driveId}/items/{itemId}/children: a folder, as a workbook picker shows it. The ids are checked as a
 * workbook's are (a folder's address has the same shape), the drive among ALLOWED_DRIVE_IDS, before Graph is called.
 */
export async function listDriveItemChildren(request: BrokerRequest, invocation: Invocation): Promise<BrokerResponse> {
  const { config } = invocation.deps;
  const folder = parseWorkbookAddress(request.params, config);
  return listChildren(invocation, driveUrl(config.graphBaseUrl, folder.driveId, 'items', folder.itemId, 'children'));
}

/** Every page read, then one answer without a nextLink: folders first, then workbooks. */
async function listChildren(invocation: Invocation, url: string): Promise<BrokerResponse> {
  const children = await followChildPages(invocation, url, invocation.deps.now() + ANSWER_BUDGET_MS);
  return { status: 200, headers: { 'content-type': 'application/json' }, jsonBody: { value: pickerItems(children) } };
}
