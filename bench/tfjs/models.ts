/** The W2/W3/W4 models in TensorFlow.js's layers API, compiled with Adam(1e-3, 0.9, 0.999, eps 1e-8). */
import * as tf from '@tensorflow/tfjs';

function compile(m: tf.Sequential): tf.Sequential {
  m.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-8), loss: 'categoricalCrossentropy' });
  return m;
}

export function mlp(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }));
  m.add(tf.layers.dense({ units: 128, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return compile(m);
}

export function cnn(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 128, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return compile(m);
}

export function charLstm(seq: number, vocab: number, hidden: number): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.lstm({ units: hidden, returnSequences: true, inputShape: [seq, vocab] }));
  m.add(tf.layers.dense({ units: vocab, activation: 'softmax' }));
  return compile(m);
}
