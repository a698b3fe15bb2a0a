/**
 * Writes log lines to stdout gathered per event-loop turn: one write for many lines instead of one each. Under load
 * the local host logs a line per request, and a write per line showed up in the benchmark's profile.
 */
export function lineWriter(stream: NodeJS.WritableStream = process.stdout): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const lines = pending;
    pending = [];
    stream.write(`${lines.join('\n')}\n`);
  };
  return (line) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(line);
  };
}
