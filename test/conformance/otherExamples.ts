import { API, EXCEL, RANGE_PROPERTIES, type Example } from './example';

// Named items, the application's calculation, a range by name, and the drive's items. See example.ts for what each entry holds.

export const otherExamples: Example[] = [
  {
    page: EXCEL,
    example: 'Named items',
    session: true,
    request: { method: 'GET', path: 'names' },
    expect: {
      status: 200,
      values: {
        value: [
          { name: 'data', type: 'Range', value: 'Range!$A$1:$D$3', visible: true },
          { name: 'myrange', type: 'Range', value: 'Range!$E$1:$F$7', visible: true },
          { name: 'range1', type: 'Range', value: 'Range!$I$1:$M$11', visible: true },
        ],
      },
    },
  },
  {
    page: `${API}/nameditem-list.md`,
    example: 'Example',
    request: { method: 'GET', path: 'names' },
    expect: { status: 200, each: ['name', 'type', 'value', 'visible'] },
  },
  {
    page: `${API}/workbookapplication-get.md`,
    example: 'Example',
    request: { method: 'GET', path: 'application' },
    expect: { status: 200, properties: ['calculationMode'], values: { calculationMode: 'Automatic' } },
  },
  {
    page: `${API}/workbookapplication-calculate.md`,
    example: 'Example',
    request: { method: 'POST', path: 'application/calculate', body: { calculationType: 'Full' } },
    expect: { status: 200, empty: true },
    inconsistent:
      'The request body is a placeholder (`"calculationType-value"`), which Graph refuses; it is replayed with `Full`, one of the values the page lists.',
  },
  {
    page: `${API}/worksheet-range.md`,
    example: 'the name of the range, as the address parameter allows',
    request: { method: 'GET', path: "worksheets('Range')/range(address='data')" },
    expect: { status: 200, properties: RANGE_PROPERTIES, values: { address: 'Range!A1:D3', cellCount: 12 } },
  },
  {
    page: `${API}/drive-get.md`,
    example: 'Get a drive by ID',
    request: { method: 'GET', path: '', scope: 'drive' },
    expect: { status: 200, properties: ['id', 'driveType', 'owner', 'quota'], values: { driveType: 'business' } },
  },
  {
    page: `${API}/driveitem-list-children.md`,
    example: 'List children in the root of the drive',
    request: { method: 'GET', path: 'root/children', scope: 'drive' },
    expect: {
      status: 200,
      each: ['name', 'size'],
      values: {
        value: [
          { name: 'Book.xlsx', file: {} },
          { name: 'Documents', folder: { childCount: 1 } },
        ],
      },
    },
    inconsistent:
      'The response lists "my sheet(1).xlsx" with no `file` facet; a file always carries one (resources/driveitem), as the emulator answers.',
  },
  {
    page: `${API}/driveitem-list-children.md`,
    example: 'List children of a DriveItem with a known ID',
    request: { method: 'GET', path: 'items/{item:Documents}/children', scope: 'drive' },
    expect: { status: 200, each: ['name', 'size', 'file'], values: { value: [{ name: 'notes.txt' }] } },
  },
];
