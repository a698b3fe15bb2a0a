import path from 'node:path';
import { jsonReply, type EmulatorReply } from '../emulatorReply';
import { itemNotFound } from '../graphError';
import type { GraphRoute } from '../parseGraphPath';
import { shapeReply } from '../shapeReply';
import type { DriveOp } from '../types';
import type { DriveEntry, LocalDrive } from './localDrive';

// The drive calls a file picker makes, with Graph's shapes: `GET drives/{id}` (drive-get), `GET …/root` and
// `GET …/items/{id}` (driveitem-get), `…/children` (driveitem-list-children). A drive is a business document
// library; a workbook carries a `file` facet with the .xlsx MIME type, a folder a `folder` facet with its
// `childCount`. Listings answer at most 200 items a page, as Graph does, with `@odata.nextLink` for the rest.

const PAGE_SIZE = 200;
const MIME: Readonly<Record<string, string>> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.xlsm': 'application/vnd.ms-excel.sheet.macroEnabled.12',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.pdf': 'application/pdf',
};

export function runDriveRequest(
  route: GraphRoute & { op: DriveOp },
  query: URLSearchParams,
  drive: LocalDrive,
  baseUrl: string,
): EmulatorReply {
  const driveId = route.driveId ?? '';
  const entries = drive.entries(driveId);
  if (entries === undefined) throw itemNotFound('The drive could not be found.');
  const rootId = drive.rootId(driveId);
  const parent = route.root === true || route.itemId === rootId ? undefined : route.itemId;
  const target = parent === undefined ? undefined : entries.find((entry) => entry.itemId === parent);
  if (parent !== undefined && target === undefined) throw itemNotFound('The resource could not be found.');
  const shape = (entry: DriveEntry) => itemJson(entry, driveId, entries);
  switch (route.op) {
    case 'getDrive':
      return jsonReply(200, shapeReply(driveJson(driveId, drive), query));
    case 'getDriveItem':
      return jsonReply(
        200,
        shapeReply(target === undefined ? rootJson(driveId, rootId, entries) : shape(target), query),
      );
    case 'listDriveChildren': {
      if (target !== undefined && target.kind !== 'folder') return jsonReply(200, { value: [] });
      const children = entries.filter((entry) => entry.parentId === (target?.itemId ?? rootId)).map(shape);
      return jsonReply(200, page(children, query, `${baseUrl}/drives/${encodeURIComponent(driveId)}`, route));
    }
  }
}

function driveJson(driveId: string, drive: LocalDrive): Record<string, unknown> {
  return {
    id: driveId,
    driveType: 'business',
    name: drive.folderPath === undefined ? 'Documents' : path.basename(drive.folderPath),
    description: '',
    owner: { user: { displayName: 'Local emulator' } },
    quota: { deleted: 0, remaining: 1_099_511_627_776, state: 'normal', total: 1_099_511_627_776, used: 0 },
  };
}

function rootJson(driveId: string, rootId: string, entries: DriveEntry[]): Record<string, unknown> {
  return {
    id: rootId,
    name: 'root',
    root: {},
    folder: { childCount: entries.filter((entry) => entry.parentId === rootId).length },
    parentReference: { driveId, driveType: 'business' },
  };
}

function itemJson(entry: DriveEntry, driveId: string, entries: DriveEntry[]): Record<string, unknown> {
  const folderPath = entry.relPath.includes('/') ? `/${entry.relPath.slice(0, entry.relPath.lastIndexOf('/'))}` : '';
  return {
    id: entry.itemId,
    name: entry.name,
    size: entry.size,
    createdDateTime: new Date(entry.createdMs).toISOString(),
    lastModifiedDateTime: new Date(entry.modifiedMs).toISOString(),
    eTag: `"{${entry.itemId}},${Math.floor(entry.modifiedMs)}"`,
    parentReference: {
      driveId,
      driveType: 'business',
      id: entry.parentId,
      path: `/drives/${driveId}/root:${folderPath}`,
    },
    ...(entry.kind === 'folder'
      ? { folder: { childCount: entries.filter((child) => child.parentId === entry.itemId).length } }
      : { file: { mimeType: MIME[path.extname(entry.name).toLowerCase()] ?? 'application/octet-stream' } }),
  };
}

// `$top` sets the page size (at most 200), `$skipToken` is where the previous page ended, `$select` as anywhere.
function page(items: unknown[], query: URLSearchParams, driveUrl: string, route: GraphRoute): unknown {
  const skip = Number(query.get('$skiptoken') ?? query.get('$skipToken') ?? 0) || 0;
  const asked = shapeReply({ value: items }, new URLSearchParams({ $top: query.get('$top') ?? String(PAGE_SIZE) }));
  const top = Math.min(PAGE_SIZE, (asked as { value: unknown[] }).value.length || PAGE_SIZE);
  const paging = new URLSearchParams({ $skip: String(skip), $top: String(top) });
  const select = query.get('$select');
  if (select !== null) paging.set('$select', select);
  const value = shapeReply({ value: items }, paging);
  if (skip + top >= items.length) return value;
  const parent = route.root === true || route.itemId === undefined ? 'root' : `items/${route.itemId}`;
  return {
    ...(value as object),
    '@odata.nextLink': `${driveUrl}/${parent}/children?$top=${top}&$skiptoken=${skip + top}`,
  };
}
