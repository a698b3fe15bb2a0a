import { afterEach, describe, expect, it } from 'vitest';
import { examples } from './conformance/examples';
import { replayExample } from './conformance/replayExample';
import { closeAll } from './support/emulatorDrive';

// Every documented request and response example of the calls the emulator serves (test/conformance/examples.ts),
// replayed against the emulator over a workbook that holds what the example presumes. A difference fails here:
// it is fixed in the emulator, or — where Microsoft's example is itself inconsistent — the example says so and
// what is checked instead, and its test's name says it follows Graph rather than the page.

afterEach(closeAll);

describe.each(
  examples.map((example) => ({ ...example, name: `${example.page.split('/').pop()} — ${example.example}` })),
)('$name', (example) => {
  it(`answers ${example.request.method} ${example.request.path || '(the drive)'} as the page shows`, async () => {
    const { reply, location } = await replayExample(example);
    const { expect: wanted } = example;
    expect(reply.status, JSON.stringify(reply.json)).toBe(wanted.status);
    for (const property of wanted.properties ?? []) expect(reply.json).toHaveProperty(property);
    if (wanted.each !== undefined) {
      const members = reply.json.value as Array<Record<string, unknown>>;
      expect(members.length).toBeGreaterThan(0);
      for (const member of members) for (const property of wanted.each) expect(member).toHaveProperty(property);
    }
    if (wanted.values !== undefined) expect(reply.json).toMatchObject(wanted.values);
    if (wanted.location !== undefined) expect(location).toMatch(wanted.location);
    if (wanted.empty === true) expect(reply.json).toEqual({});
  });
});
