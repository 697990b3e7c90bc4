#!/usr/bin/env node
import * as fs from 'node:fs';
import { commandOptions } from './command';
import { fail, releaseTags } from './git';
import { imageNameProblem } from '../core/docker-reference';
import { computeImageTags } from '../release-runtime/image-tags';

const USAGE = 'usage: image-tags --tag <git tag> --sha <commit> [--existing <tag,tag,...>] [--images <[key=]image,...>] [--github-output]';
const KEY = /^[a-z0-9_]+$/;
const DELIMITER = '__IMAGE_TAGS__';

interface ImageEntry {
  readonly key?: string;
  readonly image: string;
}

/** `key=image,image,...`: every image a valid lowercase Docker name, keys unique; anything else is an error, never dropped. */
function parseImages(value: string): ImageEntry[] {
  if (value === '') return [];
  const entries = value.split(',').map((entry, i) => {
    const eq = entry.indexOf('=');
    const key = eq >= 0 ? entry.slice(0, eq) : undefined;
    const image = eq >= 0 ? entry.slice(eq + 1) : entry;
    if (key !== undefined && !KEY.test(key)) throw new Error(`--images entry ${i + 1} key ${JSON.stringify(key)} must be lowercase letters, digits and _`);
    const problem = imageNameProblem(image);
    if (problem) throw new Error(`--images entry ${i + 1} image ${JSON.stringify(image)} ${problem}`);
    return { key, image };
  });
  const keys = entries.map((e) => e.key).filter((k) => k !== undefined);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw new Error(`--images key ${JSON.stringify(twice)} is given twice`);
  return entries;
}

/** Every value written to $GITHUB_OUTPUT was validated; this is the last guard that none can add a line. */
function oneLine(value: string): string {
  if (/[\r\n]/.test(value) || value === DELIMITER) throw new Error(`refusing to write ${JSON.stringify(value)} to $GITHUB_OUTPUT`);
  return value;
}

function output(name: string, value: string): string {
  return `${name}=${oneLine(value)}\n`;
}

function outputLines(name: string, lines: string[]): string {
  return `${name}<<${DELIMITER}\n${lines.map(oneLine).join('\n')}\n${DELIMITER}\n`;
}

function main(argv: string[]): void {
  const values = commandOptions(argv, {
    'tag': { type: 'string' },
    'sha': { type: 'string' },
    'existing': { type: 'string' },
    'images': { type: 'string' },
    'github-output': { type: 'boolean', default: false },
  }, USAGE);
  if (!values) return;
  if (values.tag === undefined) throw new Error(`--tag is required (${USAGE})`);
  if (values.sha === undefined) throw new Error(`--sha is required (${USAGE})`);
  const githubOutput = values['github-output'] ? process.env.GITHUB_OUTPUT : undefined;
  if (values['github-output'] && !githubOutput) {
    throw new Error('--github-output needs the GITHUB_OUTPUT environment variable (set by GitHub Actions)');
  }
  const existingTags = values.existing !== undefined ? values.existing.split(',').filter(Boolean) : releaseTags();
  const result = computeImageTags({ gitTag: values.tag, sha: values.sha, existingTags });
  // `key=image` also writes refs_<key>, the refs of that registry alone.
  const images = parseImages(values.images ?? '').map((i) => ({ ...i, refs: result.tags.map((t) => `${i.image}:${t}`) }));
  const text = githubOutput ? [
    output('version', result.version),
    output('short_sha', result.shortSha),
    output('prerelease', String(result.prerelease)),
    output('primary_tag', result.tags[0]),
    outputLines('tags', result.tags),
    outputLines('refs', images.flatMap((i) => i.refs)),
    ...images.filter((i) => i.key).map((i) => outputLines(`refs_${i.key}`, i.refs)),
  ].join('') : '';
  process.stdout.write(`${result.tags.join('\n')}\n`);
  if (githubOutput) fs.appendFileSync(githubOutput, text);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  fail('image-tags', e);
}
