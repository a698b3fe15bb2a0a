import { createHash } from 'node:crypto';
import type { WorkbookAddress } from '../workbookAddress';

/*
 * Table Storage conventions (this file holds the keys; recordRows.ts and workbookLeaseStore.ts the writes):
 * - PartitionKey `w<hash(drive, item)>`: one partition per workbook, which keeps a workbook's records together, where
 *   Table Storage allows atomic batches.
 * - RowKey `s<hash(session id)>` for a session, `o<hash(operation id)>` for a followed create, `k<hash>` for a
 *   create's Idempotency-Key, `r<hash>` for a workbook write's (with the answer to replay), and `lease` for the
 *   workbook's one-call-at-a-time lease. The sweep lists one kind by RowKey range (`lease` lies outside all of them);
 *   every kind it lists carries a `dueAt`.
 * - Hashes, because Graph's ids may hold `/` and run to hundreds of characters, and PartitionKey/RowKey may hold
 *   neither `/ \ # ?` nor more than 1 KiB (Azurite: 512 chars). Every client call knows drive, item and session id, so
 *   it reads and writes its record with a point operation — never a scan.
 * - Times are Edm.DateTime, so the sweep can filter on `dueAt` server-side (records/recordFields.ts).
 * - Every write after the insert sends the ETag read with the record (If-Match); 412 means someone else wrote first.
 */

export function partitionKeyOf(workbook: WorkbookAddress): string {
  return `w${digest(`${workbook.driveId}\n${workbook.itemId}`)}`;
}

export function rowKeyOf(sessionId: string): string {
  return `s${digest(sessionId)}`;
}

/** A long-running create the broker follows: `o` + hash of the broker's operation id. */
export function operationRowKeyOf(operationId: string): string {
  return `o${digest(operationId)}`;
}

/**
 * The workbook's lease row (workbookLeaseStore.ts). `l` sorts between the `k…` and `o…` kinds, so none of the sweep's
 * RowKey ranges ever reads it.
 */
export const LEASE_ROW_KEY = 'lease';

/** An Idempotency-Key, scoped to its caller (principal id, or none): `k` + hash of both. */
export function idempotencyRowKeyOf(callerId: string | undefined, key: string): string {
  return `k${digest(`${callerId ?? ''}\n${key}`)}`;
}

/** An Idempotency-Key on a forwarded workbook write, scoped to its caller: `r` (replay) + hash of both. */
export function replayRowKeyOf(callerId: string | undefined, key: string): string {
  return `r${digest(`${callerId ?? ''}\n${key}`)}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

/** A short, stable stand-in for a session id in logs and telemetry: the id itself is a credential-like handle. */
export function sessionLogId(sessionId: string): string {
  return digest(sessionId).slice(0, 16);
}
