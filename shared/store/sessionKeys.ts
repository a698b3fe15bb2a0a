import { createHash } from 'node:crypto';
import type { WorkbookAddress } from '../workbookAddress';

/**
 * How records are keyed. PartitionKey = one workbook (`w` + hash of drive and item id); RowKey = one session (`s` +
 * hash of Graph's session id), a create the broker follows (`o…`), a create's idempotency key (`k…`) or a workbook write's (`r…`) on that workbook. Hashes, because Graph's ids may hold `/` and run to hundreds of characters, and
 * PartitionKey/RowKey may hold neither `/ \ # ?` nor more than 1 KiB (Azurite: 512 chars). Every client call knows
 * drive, item and session id, so it reads and writes its record with a point operation — never a scan. One
 * partition per workbook keeps a workbook's sessions together, which is where Table Storage allows atomic batches.
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
