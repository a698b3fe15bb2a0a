import type { Example } from './example';
import { otherExamples } from './otherExamples';
import { rangeExamples } from './rangeExamples';
import { rowExamples } from './rowExamples';
import { sessionExamples } from './sessionExamples';
import { tableExamples } from './tableExamples';
import { worksheetExamples } from './worksheetExamples';

// Microsoft's documented examples of every call the emulator serves, by area (see example.ts for their shape).
export type { Example, ExampleCall } from './example';

export const examples: Example[] = [
  ...sessionExamples,
  ...worksheetExamples,
  ...rangeExamples,
  ...tableExamples,
  ...rowExamples,
  ...otherExamples,
];
