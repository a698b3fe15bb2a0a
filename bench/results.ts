import type { EntryLoad } from './entryLoad';
import type { GatewayFanOut, GatewayOverhead } from './gateway';
import type { SideBySide } from './sideBySide';
import type { Summary } from './stats';
import type { SweepBenchResult } from './sweep';
import type { TableOpsFigure } from './tableOps';
import type { ThroughputLevel } from './throughput';

/** Per call kind and both pooled. */
export interface ByCall {
  readonly createSession: number;
  readonly refreshSession: number;
  readonly overall: number;
}

/** The headline figures. */
export interface Figures {
  readonly overheadMsP50: ByCall;
  readonly overheadMsP99: ByCall;
  readonly overheadRatioAt100ms: ByCall;
  /** Keyed by concurrency. */
  readonly refreshThroughputRps: Readonly<Record<string, number>>;
  readonly refreshThroughputErrors: Readonly<Record<string, number>>;
  readonly coldStartMs: number;
  readonly entryLoadMs: { readonly telemetryOff: number; readonly telemetryOn: number };
  readonly tokenRequestsPer1000Calls: number;
  /** The gateway (`workbookRequest`), a range GET in a session: broker − direct at Graph 0 ms, broker ÷ direct at 100 ms. */
  readonly gatewayOverheadMsP50: number;
  readonly gatewayOverheadMsP99: number;
  readonly gatewayRatioAt100ms: number;
  /** Many calls over many workbooks: broker wall ÷ the per-workbook serial lower bound, and the emulator's most in flight on one workbook. */
  readonly gatewayFanOut: ReadonlyArray<{
    readonly graphLatencyMs: number;
    readonly ratio: number;
    readonly directRatio: number;
    readonly maxInFlightPerWorkbook: number;
  }>;
  readonly sweep: readonly SweepBenchResult[];
  /** Table operations per gateway call when one instance serves a workbook, counted at the wire (tableOps.ts). */
  readonly gatewayTableOps: readonly TableOpsFigure[];
}

export interface ColdStart {
  readonly runs: number;
  /** Spawn to first 2xx, each run. */
  readonly firstOkMs: readonly number[];
  /** Spawn to the local host listening, each run. */
  readonly listeningMs: readonly number[];
  readonly firstOk: Summary;
  readonly listening: Summary;
}

export interface TokenUse {
  readonly identityRequests: number;
  readonly brokerCalls: number;
  readonly per1000Calls: number;
}

export interface Phase {
  readonly name: string;
  readonly ms: number;
  /** 1-minute load average when the phase ended: above the core count, something else wanted the CPU. */
  readonly loadAverage: number;
  /** Cores the whole machine kept busy during the phase (everyone's work), and taken by the hypervisor. */
  readonly machineCoresBusy: number;
  readonly machineCoresStolen: number;
}

export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface BenchResults {
  readonly date: string;
  readonly machine: string;
  readonly node: string;
  readonly cores: number;
  readonly runMs: number;
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly figures: Figures;
  readonly targets: readonly Target[];
  readonly details: {
    readonly overheadAt0ms: SideBySide;
    readonly overheadAt100ms: SideBySide;
    readonly gatewayAt0ms: GatewayOverhead;
    readonly gatewayAt100ms: GatewayOverhead;
    readonly gatewayFanOut: readonly GatewayFanOut[];
    readonly throughput: readonly ThroughputLevel[];
    readonly coldStart: ColdStart;
    readonly entryLoad: EntryLoad;
    readonly tokens: TokenUse;
    readonly phases: readonly Phase[];
  };
}
