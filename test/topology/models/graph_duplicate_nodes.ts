import { gcn } from 'rpnc';

export default gcn({ dims: [4, 3], nodes: [0, 1, 1, 2], links: [[0, 1]] });
