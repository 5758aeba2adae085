// Golden case n_graph_head_graph_file_path (the pickle form): tinybig's constructor is in fixtures/golden/n_graph_head_graph_file_path/meta.json (build_source).
// graph read from graph_file_path (a pickle written by tinybig's graph.save) holding a DIRECTED graph; the head's directed=False (default) is ignored: the pickle's 'directed' flag wins. Otherwise defaults (column normalization, self loops, ReLU, LogSoftmax)
import { graphInterdependenceHead } from 'rpnc';

export default graphInterdependenceHead({ m: 4, n: 3, graphFilePath: './graphs/g6_directed.pkl' });
