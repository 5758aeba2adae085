/**
 * `graphFilePath` of graph heads, layers and models: a JSON graph file `{ "nodes": [...], "links": [[u, v], ...],
 * "directed": bool }` (the format of ../shared/perf/p_gcn/graph.json), read at build time as data, never as code.
 * The path is relative to the model file and follows the model-file rules: inside the model's project, no
 * symbolic-link escapes, a regular file of bounded size. tinybig's own pickled graph files (`graph.save`) are read
 * by rpnc's restricted unpickler (compiler/weights/pickle.ts: data opcodes and an allow-list only, nothing executed);
 * their stored index map gives the row order and their `directed` flag wins.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInside, projectRoot, realPath } from './project.js';
import { DiagnosticError } from '../diagnostics.js';
import { isPickle, readTinybigGraphPickle } from '../weights/torch-checkpoint.js';

export interface GraphFile {
  nodes: (number | string)[];
  links: [number | string, number | string][];
  /** The file's own flag (wins over the head's or model's `directed`); absent = use theirs. */
  directed?: boolean;
}

/** Largest graph file rpnc reads (bytes); RPNC_MAX_GRAPH_FILE_BYTES overrides. */
export const MAX_GRAPH_FILE_BYTES = 256 * 1024 * 1024;

const JSON_FORM = 'write the graph as JSON: { "nodes": [ids in row order], "links": [[source, target], …], "directed": true|false }';

/** Read and validate a graph file; throws Error with a message that names the file and the fix. */
export function readGraphFile(modelPath: string, rel: string): GraphFile {
  const file = path.resolve(path.dirname(modelPath), rel);
  const root = projectRoot(modelPath);
  if (!isInside(root.path, file)) throw new Error(`graph file '${rel}' is outside the model's project directory ${root.path}; copy it into the project`);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new Error(`graph file '${rel}' does not exist (looked for ${file}); the path is relative to the model file`);
  }
  if (!isInside(root.real, realPath(file))) throw new Error(`graph file '${rel}' is a symbolic link to ${realPath(file)}, outside the model's project directory; copy the file into the project`);
  if (!st.isFile()) throw new Error(`graph file '${rel}' is not a regular file`);
  const max = Number(process.env.RPNC_MAX_GRAPH_FILE_BYTES) || MAX_GRAPH_FILE_BYTES;
  if (st.size > max) throw new Error(`graph file '${rel}' is ${st.size} bytes, more than rpnc reads (${max}; RPNC_MAX_GRAPH_FILE_BYTES raises it)`);
  const bytes = fs.readFileSync(file);
  if (isPickle(bytes)) {
    // tinybig's own graph.save file: read by the restricted unpickler (data only, never executes or imports)
    try {
      const g = readTinybigGraphPickle(bytes, rel);
      return { nodes: g.nodes, links: g.links, directed: g.directed };
    } catch (e) {
      const d = e instanceof DiagnosticError ? e.diagnostics[0] : undefined;
      throw new Error(`graph file '${rel}' is a pickle rpnc refuses to read${d ? ` (${d.code}: ${d.message})` : `: ${(e as Error).message}`}; tinybig graph files hold only a dict of nodes and links; else ${JSON_FORM}`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new Error(`graph file '${rel}' is not valid JSON (${(e as Error).message}); ${JSON_FORM}`);
  }
  const o = data as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error(`graph file '${rel}' must hold a JSON object; ${JSON_FORM}`);
  const isId = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
  if (!Array.isArray(o.nodes) || !o.nodes.every(isId)) throw new Error(`graph file '${rel}': "nodes" must be an array of node ids (numbers or strings)`);
  if (!Array.isArray(o.links)) throw new Error(`graph file '${rel}': "links" must be an array of [source, target] pairs`);
  const bad = o.links.findIndex((p) => !Array.isArray(p) || p.length !== 2 || !isId(p[0]) || !isId(p[1]));
  if (bad >= 0) throw new Error(`graph file '${rel}': link ${bad} is not a [source, target] pair of node ids`);
  if (o.directed !== undefined && typeof o.directed !== 'boolean') throw new Error(`graph file '${rel}': "directed" must be true or false`);
  return { nodes: o.nodes as (number | string)[], links: o.links as [number | string, number | string][], directed: o.directed as boolean | undefined };
}
