import { gcn } from 'rpnc';

// the graph read from a JSON file next to this model: { "nodes": [...], "links": [[u, v], ...], "directed": false }
export default gcn({ dims: [8, 4, 3], graphFilePath: './graph.json' });
