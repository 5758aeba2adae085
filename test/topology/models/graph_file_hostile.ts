// a pickle that would call os.system('true') if it were unpickled by Python: rpnc refuses it, nothing runs
import { gcn } from 'rpnc';

export default gcn({ dims: [4, 3], graphFilePath: './graphs/hostile.pkl' });
