// an empty link list: tinybig raises IndexError
import { gcn } from 'rpnc';

export default gcn({ dims: [4, 3], nodes: [0, 1, 2], links: [] });
