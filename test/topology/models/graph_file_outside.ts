import { gcn } from 'rpnc';

export default gcn({ dims: [4, 3], graphFilePath: '../../../../shared/perf/p_gcn/graph.json' });
