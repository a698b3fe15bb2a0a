import { OPERATION_FIELDS, type OperationRecord, type StoredOperation } from '../records/operationRecord';
import type { WorkbookAddress } from '../workbookAddress';
import { recordRows } from './recordRows';
import { operationRowKeyOf } from './sessionKeys';
import type { TableAccess } from './tableAccess';

/** Long-running creates the broker follows (RowKey `o…`). */
export interface OperationRecords {
  getOperation(workbook: WorkbookAddress, operationId: string): Promise<StoredOperation | undefined>;
  insertOperation(record: OperationRecord): Promise<StoredOperation>;
  replaceOperation(current: StoredOperation, next: OperationRecord): Promise<StoredOperation>;
  deleteOperation(current: StoredOperation): Promise<void>;
  listDueOperations(now: number, pageSize: number): AsyncIterable<StoredOperation[]>;
}

export function createOperationRecords(table: TableAccess): OperationRecords {
  const rows = recordRows(table, OPERATION_FIELDS, 'o', (record) => operationRowKeyOf(record.operationId));
  return {
    getOperation: (workbook, operationId) => rows.get(workbook, operationRowKeyOf(operationId)),
    insertOperation: rows.insert,
    replaceOperation: rows.replace,
    deleteOperation: rows.remove,
    listDueOperations: rows.due,
  };
}
