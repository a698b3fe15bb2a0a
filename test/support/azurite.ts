import { randomBytes } from 'node:crypto';

/**
 * A table name no other test will use: Table Storage names are 3–63 alphanumeric characters starting with a
 * letter (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#table-names).
 */
export function testTableName(prefix: string): string {
  const letters = prefix.replace(/[^A-Za-z0-9]/g, '').replace(/^[^A-Za-z]+/, '');
  const stem = (letters || 't').slice(0, 47);
  return `${stem}${randomBytes(8).toString('hex')}`;
}
