#!/usr/bin/env node
import * as fs from 'node:fs';
import { commandOptions, runBin, UsageError } from './command';
import { dockerfileImages, unpinnedMessage, workflowImages } from '../release-runtime/pins';

const USAGE = 'usage: check-pins --dockerfile <Dockerfile> [--workflow <.github/workflows/x.yml>...]';

/** `check-pins`: fails, naming each one, unless every base image, the Dockerfile frontend and every workflow service image is pinned by digest. */
runBin('check-pins', async (argv) => {
  const values = commandOptions(argv, { dockerfile: { type: 'string' }, workflow: { type: 'string', multiple: true } }, USAGE);
  if (!values) return;
  if (!values.dockerfile) throw new UsageError(`--dockerfile is required (${USAGE})`);
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code}`);
    }
  };
  const uses = [...dockerfileImages(read(values.dockerfile), values.dockerfile), ...(values.workflow ?? []).flatMap((w) => workflowImages(read(w), w))];
  const message = unpinnedMessage(uses);
  if (message) throw new Error(message);
  process.stdout.write(`every image is pinned by digest: ${uses.map((u) => u.image.split('@')[0]).join(', ')}\n`);
});
