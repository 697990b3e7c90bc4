#!/usr/bin/env node
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { fail, releaseTags } from './git';
import { computeImageTags } from '../image-tags';

const USAGE = 'usage: image-tags --tag <git tag> --sha <commit> [--existing <tag,tag,...>] [--images <[key=]image,...>] [--github-output]';
const KEY = /^[a-z0-9_]+$/;

function main(): void {
  const { values } = parseArgs({
    options: {
      'tag': { type: 'string' },
      'sha': { type: 'string' },
      'existing': { type: 'string' },
      'images': { type: 'string' },
      'github-output': { type: 'boolean', default: false },
      'help': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.tag) throw new Error(`--tag is required (${USAGE})`);
  if (!values.sha) throw new Error(`--sha is required (${USAGE})`);
  const githubOutput = values['github-output'] ? process.env.GITHUB_OUTPUT : undefined;
  if (values['github-output'] && !githubOutput) {
    throw new Error('--github-output needs the GITHUB_OUTPUT environment variable (set by GitHub Actions)');
  }
  const existingTags = values.existing !== undefined ? values.existing.split(',').map((t) => t.trim()).filter(Boolean) : releaseTags();
  const result = computeImageTags({ gitTag: values.tag, sha: values.sha, existingTags });
  // `key=image` also writes refs_<key>, the refs of that registry alone.
  const images = (values.images ?? '').split(',').map((i) => i.trim()).filter(Boolean).map((entry) => {
    const [key, image] = entry.includes('=') ? entry.split('=', 2) : [undefined, entry];
    if (key !== undefined && !KEY.test(key)) throw new Error(`--images key "${key}" must be lowercase letters, digits and _`);
    return { key, refs: result.tags.map((t) => `${image}:${t}`) };
  });
  const refs = images.flatMap((i) => i.refs);
  process.stdout.write(`${result.tags.join('\n')}\n`);
  if (githubOutput) {
    const multiline = (name: string, lines: string[]) => `${name}<<__IMAGE_TAGS__\n${lines.join('\n')}\n__IMAGE_TAGS__\n`;
    fs.appendFileSync(githubOutput, [
      `version=${result.version}\n`,
      `short_sha=${result.shortSha}\n`,
      `prerelease=${result.prerelease}\n`,
      `primary_tag=${result.tags[0]}\n`,
      multiline('tags', result.tags),
      multiline('refs', refs),
      ...images.filter((i) => i.key).map((i) => multiline(`refs_${i.key}`, i.refs)),
    ].join(''));
  }
}

try {
  main();
} catch (e) {
  fail('image-tags', e);
}
