import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../synth';

/** The documents a reader follows links through: the README, docs/ and the benchmarks. */
function documents(): string[] {
  const docs = fs.readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f));
  return ['README.md', 'BENCHMARKS.md', ...docs.sort()];
}

/** The folders whose paths the docs name (`test/zizmor.test.ts`, `client/shard.go`): a moved file must be renamed in the docs too. */
const REPOSITORY_DIRS = ['.ci/', '.github/', 'bench/', 'client/', 'docs/', 'internal/', 'plugin/', 'projenrc/', 'scripts/', 'src/', 'test/', 'tools/'];

/** The text outside fenced code blocks and inline code spans (links there are not links). */
export function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Every inline link target `[text](target)` of a document, in order. */
export function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

/**
 * The anchors GitHub gives a document's headings: the heading's text (code spans keep their
 * content, links their text), lower-cased, without punctuation, spaces as hyphens; a repeated
 * anchor gets -1, -2, …
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const plain = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = plain.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** The links of `doc` (a path relative to `root`) that point at no file, or at no heading of it. */
export function brokenLinks(root: string, doc: string): string[] {
  const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
  const broken: string[] = [];
  for (const target of linkTargets(read(doc))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not a file here
    const [file, anchor] = target.split('#', 2);
    const linked = file === '' ? doc : path.normalize(path.join(path.dirname(doc), decodeURIComponent(file)));
    if (linked.startsWith('..') || !fs.existsSync(path.join(root, linked))) {
      broken.push(`${target}: no file ${linked}`);
    } else if (anchor !== undefined && !(linked.endsWith('.md') && headingAnchors(read(linked)).has(decodeURIComponent(anchor)))) {
      broken.push(`${target}: no heading #${anchor} in ${linked}`);
    }
  }
  return broken;
}

describe('the documentation', () => {
  it('README.md is short: at most 250 lines', () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(250);
  });

  it.each(documents())('every relative link of %s points at an existing file and heading', (doc) => {
    expect(linkTargets(fs.readFileSync(path.join(REPO_ROOT, doc), 'utf8')).length, 'links found').toBeGreaterThan(0);
    expect(brokenLinks(REPO_ROOT, doc)).toEqual([]);
  });

  it('each doc in docs/ states its one audience first ("For …") and is listed in the README', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const docs = documents().filter((d) => d.startsWith('docs/'));
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      const [title, firstParagraph] = fs.readFileSync(path.join(REPO_ROOT, doc), 'utf8').split(/\n\n+/);
      expect(title, doc).toMatch(/^# \S/);
      expect(firstParagraph, `${doc}: its first paragraph names its audience`).toMatch(/^For /);
      expect(linkTargets(readme), `README.md links to ${doc}`).toContain(doc);
    }
  });

  it.each(documents())('every repository path %s names in code exists', (doc) => {
    const named = [...fs.readFileSync(path.join(REPO_ROOT, doc), 'utf8').matchAll(/`([^`\s]+)`/g)].map((m) => m[1])
      .filter((p) => REPOSITORY_DIRS.some((dir) => p.startsWith(dir)) && !/[*{}<>…$]/.test(p))
      .map((p) => p.replace(/[:.,]+$/, '').split(':')[0]);
    expect(named.filter((p) => !fs.existsSync(path.join(REPO_ROOT, p)))).toEqual([]);
  });

  it("the README's quick-start test command is what .ci/run runs", () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /^## Quick start$[\s\S]*?^```sh\n([\s\S]*?)^```$/m.exec(readme)?.[1];
    expect(block, 'README.md has a sh block under "## Quick start"').toBeDefined();
    const commands = block!.trimEnd().split('\n').map((l) => l.replace(/#.*$/, '').trim());
    expect(commands).toHaveLength(2);
    expect(fs.readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(new RegExp(`^phase "${commands[1]}" ${commands[1]}$`, 'm'));
  });
});

describe('the link check itself', () => {
  const root = tempDir('doc-links-');
  fs.mkdirSync(path.join(root, 'docs'));
  fs.writeFileSync(path.join(root, 'docs/a.md'), '# A\n\n## What `promote` does\n\n## Feedback: `.ci/run` (issue #27)\n\n## Twice\n\n## Twice\n');
  const check = (text: string) => {
    fs.writeFileSync(path.join(root, 'README.md'), text);
    return brokenLinks(root, 'README.md');
  };

  it('accepts links to files and to headings as GitHub anchors them', () => {
    expect(check('[a](docs/a.md) [b](docs/a.md#what-promote-does) [c](docs/a.md#feedback-cirun-issue-27) [d](docs/a.md#twice-1) [e](https://x.org/#y) `[f](nowhere.md)`')).toEqual([]);
  });

  it('names a link to a missing file, a missing heading, or a file outside the repository', () => {
    expect(check('[a](docs/b.md) [b](docs/a.md#what-promote-did) [c](#nothing) [d](../x.md)')).toEqual([
      'docs/b.md: no file docs/b.md',
      'docs/a.md#what-promote-did: no heading #what-promote-did in docs/a.md',
      '#nothing: no heading #nothing in README.md',
      '../x.md: no file ../x.md',
    ]);
  });
});
