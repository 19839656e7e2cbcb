import { describeErrorFidelity } from './support/error-fidelity';

describeErrorFidelity('thread');
