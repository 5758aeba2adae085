import { gcn } from 'rpnc';

export default gcn({ dims: [4, 3], graphFilePath: './graphs/graph.pkl' });
