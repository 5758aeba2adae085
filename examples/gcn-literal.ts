import { gcn } from 'rpnc';

// the graph written literally: tinybig's nodes= and links= (row i of the input is node nodes[i])
export default gcn({ dims: [8, 4, 3], nodes: [0, 1, 2, 3, 4], links: [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0]] });
