import { library } from '../../scripts/tsup-library';

export default library(['src/index.ts', 'src/node.ts']);
