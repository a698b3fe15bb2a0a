// The Graph workbook emulator: a real HTTP server on 127.0.0.1 that answers createSession / refreshSession /
// closeSession (and the async-create operation) the way Microsoft Graph documents them, with injectable faults.
export { startGraphEmulator } from './startGraphEmulator';
export type {
  CallOp,
  EmulatedSession,
  EmulatorOptions,
  FaultOp,
  FaultRule,
  GraphEmulator,
  RecordedCall,
} from './types';
