// n_graph_head_link_to_unknown_node: tinybig raises KeyError: 9 at the first forward
import { graphInterdependenceHead } from 'rpnc';

export default graphInterdependenceHead({
  m: 4,
  n: 3,
  nodes: [0, 1, 2, 3, 4, 5],
  links: [[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 5], [5, 3], [1, 4], [0, 9]],
});
