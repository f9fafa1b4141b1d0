/**
 * PyTorch models in the vocabulary of the simulator, which is PyTorch's own: layers pass through
 * unchanged, a recommendation is simulated as written, and an init the simulator cannot read falls
 * back to the module's own `reset_parameters` (the `default` call, simulate/distributions.ts).
 */
import { recommendationAsCall, type SimulationDialect } from '../../simulate/dialect';

/** The PyTorch simulation dialect. */
export const pytorchSimulationDialect: SimulationDialect = {
  framework: 'pytorch',
  label: 'PyTorch',
  layer: (layer) => layer,
  recommended: recommendationAsCall,
  fallback: () => ({ name: 'default', args: {} }),
  infersInputSize: false,
};
