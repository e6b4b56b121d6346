/** Optimizer construction from settings. */
import * as tf from '@tensorflow/tfjs';
import { assertNever, type Settings } from './settings';

export function createOptimizer(settings: Pick<Settings, 'optimizer' | 'learningRate' | 'momentum'>): tf.Optimizer {
  const lr = settings.learningRate;
  switch (settings.optimizer) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, settings.momentum);
    case 'adam':
      // Keras defaults: β1 0.9, β2 0.999, ε 1e-7.
      return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    case 'rmsprop':
      // Keras defaults: ρ 0.9, no momentum, ε 1e-7.
      return tf.train.rmsprop(lr, 0.9, 0, 1e-7);
    default:
      return assertNever(settings.optimizer);
  }
}
