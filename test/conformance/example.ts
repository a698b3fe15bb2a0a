import type { EmulatorSettings } from '../../dev/graphEmulator';

// Microsoft's documented request and response examples for every call the emulator serves, as data: the page
// (a file of github.com/microsoftgraph/microsoft-graph-docs-contrib), the request (method, path after `workbook/`
// — or after `drives/{driveId}/` for drive calls — headers and body), and what the answer must hold: the status,
// the properties the page's response shows, and the values that follow from the request and the workbook
// (conformanceWorkbook.ts). Placeholder values in a page's response ("address-value", 99) are checked as present,
// not equal. Where the page's example is itself inconsistent, `inconsistent` says how and what is checked instead.

export interface ExampleCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** 'drive' for a call under `drives/{driveId}/` rather than a workbook's. Default 'workbook'. */
  scope?: 'workbook' | 'drive';
}

export interface Example {
  page: string;
  example: string;
  request: ExampleCall;
  /** Calls made first, to bring the workbook to the state the example presumes (each must succeed). */
  before?: ExampleCall[];
  /** Made in a persistent session created first (its id goes in `workbook-session-id`). */
  session?: boolean;
  settings?: Partial<EmulatorSettings>;
  failNextOperations?: number;
  /** Moves the emulator's clock after `before`. */
  advanceMs?: number;
  expect: {
    status: number;
    /** Properties the answer has (every member's, for a collection: see `each`). */
    properties?: string[];
    /** Properties every member of `value` has. */
    each?: string[];
    /** What the answer must match (vitest toMatchObject). */
    values?: Record<string, unknown>;
    /** The Location header, as a pattern. */
    location?: RegExp;
    /** No body at all. */
    empty?: boolean;
  };
  inconsistent?: string;
}

export const API = 'api-reference/v1.0/api';
export const EXCEL = 'api-reference/v1.0/resources/excel.md';
export const RANGE_PROPERTIES = ['address', 'addressLocal', 'cellCount', 'columnCount', 'columnIndex', 'valueTypes'];
export const ROW = ['index', 'values'];
