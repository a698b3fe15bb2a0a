// The Graph workbook emulator: a real HTTP server on 127.0.0.1 that answers the session calls, the workbook calls
// flows and pages use (worksheets, ranges, tables, columns, rows, names, formulas that calculate) and the drive calls
// a file picker makes, over a folder of real .xlsx files, the way Microsoft Graph documents them (its examples are
// replayed by test/graphConformance.test.ts), with Excel's session rules, limits and injectable faults.
export { startGraphEmulator } from './startGraphEmulator';
export { DEMO_DRIVE_ID, DEMO_FILE, DEMO_ITEM_ID } from './workbook/localDrive';
export { DEMO } from './workbook/demoWorkbook';
export type { ConcurrencyReport } from './concurrency';
export type {
  CallOp,
  EmulatedWorkbook,
  EmulatorSettings,
  EmulatedSession,
  EmulatorOptions,
  FaultOp,
  FaultRule,
  GraphEmulator,
  RecordedCall,
} from './types';
