/**
 * Writes the kinds of models the export tests cover to a directory, for an outside check with
 * the `onnx` Python package (not needed by the tests):
 *
 *   node --import tsx test/onnx/dump-models.ts /tmp/nabla-onnx && /usr/bin/python3 test/onnx/check_onnx.py /tmp/nabla-onnx
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const { nn } = nb;
const dir = process.argv[2] ?? 'nabla-onnx-models';

class Last extends nn.Module {
  constructor(
    readonly rnn: nb.nn.LSTM | nb.nn.GRU,
    readonly fc: nb.nn.Linear,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(this.rnn.forward(x)[0].select(1, -1));
  }
}

nb.manualSeed(0);
const models: [string, nb.Module<never[], unknown>, Tensor][] = [
  ['mlp', new nn.Sequential(new nn.Linear(6, 16), new nn.BatchNorm1d(16), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(16, 4), new nn.Softmax(1)), nb.randn([3, 6])],
  [
    'w3-cnn',
    new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(1568, 128), new nn.ReLU(), new nn.Linear(128, 10),
    ),
    nb.rand([2, 1, 28, 28]),
  ],
  [
    'bn-avgpool-cnn',
    new nn.Sequential(
      new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(),
      new nn.AvgPool2d(2, { padding: 1, countIncludePad: false }), new nn.Flatten(), new nn.Linear(8 * 5 * 5, 5),
    ),
    nb.randn([2, 3, 17, 17]),
  ],
  ['lstm-classifier', new Last(new nn.LSTM(5, 8, { batchFirst: true }), new nn.Linear(8, 3)), nb.randn([2, 7, 5])],
  ['lstm-bidirectional', new nn.LSTM(4, 6, { numLayers: 2, bidirectional: true }), nb.randn([5, 3, 4])],
  ['gru-classifier', new Last(new nn.GRU(5, 8, { batchFirst: true }), new nn.Linear(8, 2)), nb.randn([3, 6, 5])],
];
for (const [name, model, x] of models) {
  const r = nb.onnx.export(model, x, `${dir}/${name}.onnx`);
  console.log(`${name}.onnx: ${r.bytes.length} bytes, ${r.nodeTypes.length} nodes, dynamic batch ${r.dynamicBatch}`);
}
