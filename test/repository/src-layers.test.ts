import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCycle, folderCycles, folderGraph, FolderGraph } from './import-graph';
import { REPO_ROOT } from '../synth';

const graphOf = (edges: Record<string, string[]>): FolderGraph => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe('the folder import graph', () => {
  it('finds a loop through three folders and names it', () => {
    const graph = graphOf({ '.': ['a', 'c'], 'a': ['b'], 'b': ['c'], 'c': ['a'], 'd': [] });
    const cycles = folderCycles(graph);
    expect(cycles).toEqual([['a', 'b', 'c']]);
    expect(describeCycle(graph, cycles[0])).toBe('a → b → c → a');
  });

  it('finds no loop in a layered graph', () => {
    expect(folderCycles(graphOf({ '.': ['a', 'b'], 'a': ['b'], 'b': [] }))).toEqual([]);
  });
});

describe('src/', () => {
  const graph = folderGraph(path.join(REPO_ROOT, 'src'));
  const importers = (folder: string) => [...graph].filter(([, to]) => to.has(folder)).map(([from]) => from).sort();

  it('has no folder importing a folder that imports it back', () => {
    expect(folderCycles(graph).map((c) => describeCycle(graph, c))).toEqual([]);
  });

  it('reads as layers: core and the GitHub building blocks import nothing above them, and nothing imports the root', () => {
    expect([...graph.get('core')!]).toEqual([]);
    expect([...graph.get('github')!]).toEqual(['core']);
    expect(importers('.')).toEqual([]);
    expect(graph.size).toBeGreaterThanOrEqual(9);
  });

  it('keeps the run-time release code free of workflow generation and of projen components', () => {
    for (const folder of ['release-runtime', 'cli']) {
      expect([...graph.get(folder)!].filter((to) => !['core', 'github', 'release-runtime'].includes(to)), folder).toEqual([]);
    }
  });
});
