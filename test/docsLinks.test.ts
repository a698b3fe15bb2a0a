import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The README is a front page and docs/ holds one page per reader, each rule stated once and linked from the others.
// That only stays walkable while every link lands and every file a page names still exists: a renamed file or a
// moved heading fails here instead of leaving a reader at a dead end.

const ROOT = path.resolve(__dirname, '..');
const PAGES = [
  'README.md',
  'connector/README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const README_MAX_LINES = 150;

/** Where the repository's own files live: a code span or a code-map line naming one of these is a path to check. */
const REPO_PATH = /^(?:\.ci|bench|connector|deploy|dev|docs|functions|host|infra|ops|shared|test|tools|web)\/[\w./-]*$/;

function read(page: string): string {
  return readFileSync(path.join(ROOT, page), 'utf8');
}

/** The page's prose and its fenced blocks, kept apart: links and headings count only outside the blocks. */
function split(text: string): { prose: string; blocks: { lang: string; body: string }[] } {
  const blocks: { lang: string; body: string }[] = [];
  const prose = text.replace(/^ *```(\w*)\n([\s\S]*?)^ *```$/gm, (_, lang: string, body: string) => {
    blocks.push({ lang, body });
    return '';
  });
  return { prose, blocks };
}

/** GitHub's anchor for a heading: its text lower-cased, punctuation dropped, each space a hyphen, repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of split(text).prose.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const plain = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function relativeLinks(text: string): string[] {
  const targets = [...split(text).prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
  return targets.filter((target) => !/^[a-z][a-z+.-]*:/i.test(target));
}

function namedPaths(text: string): string[] {
  const { prose, blocks } = split(text);
  const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
  const mapLines = blocks
    .filter((block) => block.lang === 'text')
    .flatMap((block) => [...block.body.matchAll(/(?<![\w/.-])[.\w-]+\/[\w./-]*/g)].map((match) => match[0]));
  return [...spans, ...mapLines].map((name) => name.replace(/\.+$/, '')).filter((name) => REPO_PATH.test(name));
}

describe('the docs', () => {
  it(`keeps the README a front page of at most ${README_MAX_LINES} lines`, () => {
    expect(read('README.md').trimEnd().split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each(PAGES)('%s: every relative link reaches a file, and a heading when it names one', (page) => {
    const broken = relativeLinks(read(page)).filter((link) => {
      const [file, anchor] = link.split('#') as [string, string | undefined];
      const target = file === '' ? page : path.posix.join(path.posix.dirname(page), file);
      if (!existsSync(path.join(ROOT, target))) return true;
      return anchor !== undefined && !anchorsOf(read(target)).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it.each(PAGES)('%s: every file or folder of the repository it names exists', (page) => {
    const missing = namedPaths(read(page)).filter((name) => !existsSync(path.join(ROOT, name)));
    expect(missing).toEqual([]);
  });

  it('links every page of docs/ from the README', () => {
    const linked = new Set(relativeLinks(read('README.md')).map((link) => link.split('#')[0]));
    expect(PAGES.filter((page) => page.startsWith('docs/') && !linked.has(page))).toEqual([]);
  });
});
