import type { Workbook } from 'exceljs';
import { itemNotFound } from './excelErrors';

// Named items (https://learn.microsoft.com/graph/api/resources/nameditem, nameditem-list): the workbook's defined
// names that refer to ranges, as exceljs reads them. "Working with Excel" lists them as
// `{"name":"data","type":"Range","value":"Range!$A$1:$D$3","visible":true}`. Names that hold a constant or a
// formula rather than a range are not kept by exceljs, so the emulator does not list them.

export interface NamedItemJson {
  name: string;
  comment: string;
  scope: 'Workbook';
  type: 'Range';
  value: string;
  visible: boolean;
}

export function listNames(workbook: Workbook): { value: NamedItemJson[] } {
  return {
    value: workbook.definedNames.model
      .filter((name) => name.ranges.length > 0 && !name.name.startsWith('_xlnm.'))
      .map((name) => ({
        name: name.name,
        comment: '',
        scope: 'Workbook',
        type: 'Range',
        value: name.ranges.join(','),
        visible: true,
      })),
  };
}

/**
 * worksheet-range takes "the address or the name of the range": a defined name stands for the range it refers to.
 * Anything else is taken as an address.
 */
export function addressIn(workbook: Workbook, address: string): string {
  if (!/^[A-Za-z_\\][A-Za-z0-9_.\\]*$/.test(address)) return address;
  const named = workbook.definedNames.model.find((name) => name.name.toLowerCase() === address.toLowerCase());
  return named?.ranges.length === 1 && named.ranges[0] !== undefined ? named.ranges[0] : address;
}

/** A name as Excel matches one: case-insensitively. */
export function getName(workbook: Workbook, key: string): NamedItemJson {
  const found = listNames(workbook).value.find((name) => name.name.toLowerCase() === key.toLowerCase());
  if (found === undefined) throw itemNotFound(`The requested name '${key}' doesn't exist.`);
  return found;
}
