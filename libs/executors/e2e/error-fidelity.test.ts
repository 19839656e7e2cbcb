import { describeErrorFidelity } from '../test/support/error-fidelity';

describeErrorFidelity('process');
