import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPromote } from './promote-cli';
import { ReleaseWorld } from './release-world';
import { craneOk, platformsOf, tagsOf } from './registry-state';
import { RunResult } from './run-async';

let world: ReleaseWorld;
const sha7 = (sha: string) => sha.slice(0, 7);

beforeAll(async () => {
  world = await ReleaseWorld.start();
});
afterAll(async () => {
  await world?.stop();
});

function ok(r: RunResult): RunResult {
  expect(r.status, `promote failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** Pushes the tag to the remote, then promotes that release's build; returns its digest. */
async function release(t: ReturnType<ReleaseWorld['fresh']>, version: string): Promise<string> {
  t.remote.pushTags(version);
  const digest = await world.build(version);
  ok(await runPromote(world.promoteArgs(version, digest, t.images, t.remote)));
  return digest;
}

async function stateOf(images: readonly string[]): Promise<Record<string, string>[]> {
  return Promise.all(images.map(tagsOf));
}

describe('promote against two loopback registries (gcr.io and ghcr.io stand-ins)', () => {
  it('first release: every ref resolves to the one digest in both registries, and the index lists both platforms', async () => {
    const t = world.fresh();
    t.remote.pushTags('v1.0.0');
    const r = ok(await runPromote(world.promoteArgs('v1.0.0', world.digest, t.images, t.remote)));
    for (const image of t.images) {
      expect(await tagsOf(image)).toEqual({ [`v1.0.0-${sha7(t.remote.sha)}`]: world.digest, 'v1.0.0': world.digest, 'v1.0': world.digest, 'latest': world.digest });
      expect(await platformsOf(`${image}@${world.digest}`)).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']));
    }
    expect(r.stdout).toMatch(/^latest=true$/m);
    expect(r.stdout).toMatch(new RegExp(`^digest=${world.digest}$`, 'm'));
    for (const step of ['[1/6]', '[2/6]', '[3/6]', '[4/6]', '[5/6]', '[6/6]', 'verify:']) expect(r.stdout).toContain(step);
    expect(r.stdout).toContain(`verified ${t.images[1]}:latest -> ${world.digest}`);
  });

  it('hotfix below the highest release: its own tags and vX.Y, never latest', async () => {
    const t = world.fresh();
    await release(t, 'v1.3.8');
    const v140 = await release(t, 'v1.4.0');
    t.remote.pushTags('v1.3.9');
    const v139 = await world.build('v1.3.9');
    const r = ok(await runPromote(world.promoteArgs('v1.3.9', v139, t.images, t.remote)));
    for (const state of await stateOf(t.images)) {
      expect(state).toMatchObject({ 'v1.3.9': v139, [`v1.3.9-${sha7(t.remote.sha)}`]: v139, 'v1.3': v139, 'v1.4': v140, 'latest': v140 });
    }
    expect(r.stdout).toMatch(/^latest=false$/m);
    expect(r.stdout).toMatch(/latest stays where it is: v1\.4\.0 is higher than v1\.3\.9/);
  });

  it('hotfix below the highest of its own line: immutable tags only', async () => {
    const t = world.fresh();
    const v1310 = await release(t, 'v1.3.10');
    t.remote.pushTags('v1.3.9');
    const v139 = await world.build('v1.3.9');
    const r = ok(await runPromote(world.promoteArgs('v1.3.9', v139, t.images, t.remote)));
    for (const state of await stateOf(t.images)) {
      expect(state).toEqual({
        'v1.3.10': v1310, [`v1.3.10-${sha7(t.remote.sha)}`]: v1310, 'v1.3': v1310, 'latest': v1310,
        'v1.3.9': v139, [`v1.3.9-${sha7(t.remote.sha)}`]: v139,
      });
    }
    expect(r.stdout).toMatch(/^latest=false$/m);
  });

  it.each([
    ['v1.5.0', 'v1.5.1'],
    ['v1.5.1', 'v1.5.0'],
  ])('two promotions, %s then %s: latest and v1.5 end on v1.5.1', async (first, second) => {
    const t = world.fresh();
    t.remote.pushTags(first);
    if (first === 'v1.5.1') t.remote.pushTags('v1.5.0'); // both tags pushed; the promotions run in reverse order
    ok(await runPromote(world.promoteArgs(first, await world.build(first), t.images, t.remote)));
    if (first === 'v1.5.0') t.remote.pushTags('v1.5.1');
    ok(await runPromote(world.promoteArgs(second, await world.build(second), t.images, t.remote)));
    const v151 = await world.build('v1.5.1');
    for (const state of await stateOf(t.images)) {
      expect(state).toMatchObject({ 'latest': v151, 'v1.5': v151, 'v1.5.1': v151, 'v1.5.0': await world.build('v1.5.0') });
    }
  });

  it('a newer release tagged while a promotion runs: this one floats now (decided from the registries), the newer one takes over when its promotion runs in the lane', async () => {
    const t = world.fresh();
    await release(t, 'v1.4.0');
    t.remote.pushTags('v1.5.0');
    // The moment the first immutable tag reaches ghcr, v1.5.1 is tagged on the remote.
    world.ghcr.proxy.onRequest = (method, url) => {
      if (method === 'PUT' && /\/t\d+\/cq-source-s3\/manifests\/v1\.5\.0/.test(url) && world.ghcr.proxy.onRequest) {
        world.ghcr.proxy.onRequest = undefined;
        t.remote.pushTags('v1.5.1');
      }
    };
    const v150 = await world.build('v1.5.0');
    try {
      const r = ok(await runPromote(world.promoteArgs('v1.5.0', v150, t.images, t.remote)));
      expect(r.stdout).toMatch(/^latest=true$/m);
      expect(r.stdout).toContain('::warning::v1.5.1 is tagged but no registry shows it');
    } finally {
      world.ghcr.proxy.onRequest = undefined;
    }
    const v151 = await world.build('v1.5.1');
    const r = ok(await runPromote(world.promoteArgs('v1.5.1', v151, t.images, t.remote)));
    expect(r.stdout).not.toContain('::warning::');
    for (const state of await stateOf(t.images)) expect(state).toMatchObject({ 'v1.5.0': v150, 'v1.5.1': v151, 'v1.5': v151, 'latest': v151 });
  });

  it('three tags queued, GitHub cancelled the middle one: the highest ends up latest, and the last run names the one never published', async () => {
    const t = world.fresh();
    await release(t, 'v1.0.0');
    t.remote.pushTags('v1.1.0', 'v1.2.0', 'v1.3.0');
    const v13 = await world.build('v1.3.0');
    ok(await runPromote(world.promoteArgs('v1.3.0', v13, t.images, t.remote)));
    // v1.2.0's run was cancelled while it waited; v1.1.0's runs last.
    const last = ok(await runPromote(world.promoteArgs('v1.1.0', await world.build('v1.1.0'), t.images, t.remote)));
    expect(last.stdout).toMatch(/^latest=false$/m);
    expect(last.stdout).toMatch(/^latest_release=v1\.3\.0$/m);
    expect(last.stdout).toContain('::warning::v1.2.0 is tagged but no registry shows it: its release run was cancelled');
    for (const state of await stateOf(t.images)) expect(state).toMatchObject({ latest: v13, 'v1.3': v13 });
  });

  it('second registry down mid-promotion: no floating tag moves anywhere, one clear error; a re-run once it is back completes', async () => {
    const t = world.fresh();
    const v140 = await release(t, 'v1.4.0');
    t.remote.pushTags('v1.5.0');
    const v150 = await world.build('v1.5.0');
    // ghcr goes down the moment gcr receives the first immutable tag of v1.5.0.
    world.gcr.proxy.onRequest = (method, url) => {
      if (method === 'PUT' && /\/t\d+\/cq-source-s3\/manifests\/v1\.5\.0/.test(url)) {
        world.gcr.proxy.onRequest = undefined;
        world.ghcr.proxy.down();
      }
    };
    let failed: RunResult;
    try {
      failed = await runPromote(world.promoteArgs('v1.5.0', v150, t.images, t.remote));
    } finally {
      world.gcr.proxy.onRequest = undefined;
      await world.ghcr.proxy.up();
    }
    expect(failed.status).toBe(1);
    expect(failed.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(/^promote: (resolve|tag) /);
    expect(failed.stderr).toContain(`${t.images[1]}:v1.5.0-${sha7(t.remote.sha)}`);
    expect(failed.stderr).toContain('no floating tag was moved');
    const [gcr, ghcr] = await stateOf(t.images);
    expect(gcr).toMatchObject({ [`v1.5.0-${sha7(t.remote.sha)}`]: v150, 'latest': v140, 'v1.4': v140 });
    expect(ghcr).toMatchObject({ 'latest': v140, 'v1.4': v140 });
    for (const state of [gcr, ghcr]) expect(state['v1.5']).toBeUndefined();
    expect(ghcr[`v1.5.0-${sha7(t.remote.sha)}`]).toBeUndefined();

    const rerun = ok(await runPromote(world.promoteArgs('v1.5.0', v150, t.images, t.remote)));
    expect(rerun.stdout).toContain(`${t.images[0]}:v1.5.0-${sha7(t.remote.sha)} already -> ${v150}`);
    for (const state of await stateOf(t.images)) {
      expect(state).toMatchObject({ [`v1.5.0-${sha7(t.remote.sha)}`]: v150, 'v1.5.0': v150, 'v1.5': v150, 'latest': v150, 'v1.4': v140 });
    }
  });

  it('a re-run of a finished promotion writes nothing (both registries restarted read-only) and changes nothing', async () => {
    const t = world.fresh();
    const digest = await release(t, 'v2.1.0');
    const before = await stateOf(t.images);
    await world.gcr.restart({ readOnly: true });
    await world.ghcr.restart({ readOnly: true });
    try {
      // The check can fail: a write is refused in read-only mode.
      const write = await craneOk('tag', `${t.images[0]}@${digest}`, 'probe').then(() => 'accepted', () => 'refused');
      expect(write).toBe('refused');
      const r = ok(await runPromote(world.promoteArgs('v2.1.0', digest, t.images, t.remote)));
      expect(r.stdout).not.toMatch(/^\s*(copied|tagged|moved) /m);
    } finally {
      await world.gcr.restart({ readOnly: false });
      await world.ghcr.restart({ readOnly: false });
    }
    expect(await stateOf(t.images)).toEqual(before);
  });

  it('an immutable tag that points elsewhere: refused with one line naming it, nothing tagged anywhere', async () => {
    const t = world.fresh();
    const v140 = await release(t, 'v1.4.0');
    const other = await world.build('other-v1.6.0');
    await craneOk('copy', `${world.staging}@${other}`, `${t.images[1]}:v1.6.0`); // someone already pushed v1.6.0 to ghcr
    const before = await stateOf(t.images);
    t.remote.pushTags('v1.6.0');
    const v160 = await world.build('v1.6.0');
    const r = await runPromote(world.promoteArgs('v1.6.0', v160, t.images, t.remote));
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${t.images[1]}:v1.6.0 already points to ${other}, not ${v160}: immutable tags never move`);
    expect(await stateOf(t.images)).toEqual(before);
    expect(before[0].latest).toBe(v140);
  });

  it('an index without linux/arm64 is refused before anything is copied', async () => {
    const t = world.fresh();
    await craneOk('index', 'filter', '--platform', 'linux/amd64', `${world.staging}@${world.digest}`, '-t', `${world.staging}:amd64-only`);
    const amd64Only = await craneOk('digest', `${world.staging}:amd64-only`);
    t.remote.pushTags('v3.0.0');
    const r = await runPromote(world.promoteArgs('v3.0.0', amd64Only, t.images, t.remote));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${world.staging}@${amd64Only} lists linux/amd64, not linux/arm64`);
    for (const state of await stateOf(t.images)) expect(state).toEqual({});
  });
});
