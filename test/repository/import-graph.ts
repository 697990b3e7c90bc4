import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** folder → the folders its files import (relative imports only), folders named relative to the root ('.' is the root itself). */
export type FolderGraph = Map<string, Set<string>>;

/** The folder import graph of the TypeScript files below `root`; imports within one folder are left out. */
export function folderGraph(root: string): FolderGraph {
  const graph: FolderGraph = new Map();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) addFile(file);
    }
  };
  const addFile = (file: string): void => {
    const from = path.relative(root, path.dirname(file)) || '.';
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const imported of ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, false).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), imported.fileName);
      const folder = fs.existsSync(target) && fs.statSync(target).isDirectory() ? target : path.dirname(target);
      const to = path.relative(root, folder) || '.';
      if (to !== from) edges.add(to);
    }
  };
  walk(root);
  return graph;
}

/** Every set of two or more folders that import each other round a loop (Tarjan's strongly connected components), each sorted. */
export function folderCycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** One line per cycle, with one import edge that closes it, e.g. `registries → workflows → registries`. */
export function describeCycle(graph: FolderGraph, cycle: readonly string[]): string {
  const members = new Set(cycle);
  const pathFrom = (start: string): string[] => {
    const seen = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          const loop = [v];
          while (loop[0] !== start) loop.unshift(seen.get(loop[0])!);
          return [...loop, start];
        }
        if (!seen.has(w)) {
          seen.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start];
  };
  return pathFrom(cycle[0]).join(' → ');
}
