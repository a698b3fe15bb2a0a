// The Graph workbook emulator: a real HTTP server on 127.0.0.1 that answers the session calls and the workbook calls
// flows and pages use (worksheets, ranges, tables, rows) over a folder of real .xlsx files, the way Microsoft Graph
// documents them, with Excel's session rules and injectable faults.
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
