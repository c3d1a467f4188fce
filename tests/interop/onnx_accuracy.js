// The test accuracy of an exported Fashion-MNIST classifier in ONNX Runtime (npm's onnxruntime-node):
//   NODE_PATH=<cache>/node_modules node onnx_accuracy.js MODEL.onnx [IDX_DIR]
// Inputs as the MLP example reads them: pixels / 255, flattened; the README's xgrad -> ONNX round trip.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, dir = '/usr/share/datasets/fashion-mnist'] = process.argv.slice(2);
  const images = zlib.gunzipSync(fs.readFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'))).subarray(16);
  const labels = zlib.gunzipSync(fs.readFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'))).subarray(8);
  const count = labels.length;
  const pixels = Float32Array.from(images, (value) => value / 255);
  const session = await ort.InferenceSession.create(modelPath, {intraOpNumThreads: 1});
  const results = await session.run({[session.inputNames[0]]: new ort.Tensor('float32', pixels, [count, 784])});
  const logits = results[session.outputNames[0]].data;
  const classes = logits.length / count;
  let correct = 0;
  for (let i = 0; i < count; ++i) {
    let best = 0;
    for (let c = 1; c < classes; ++c) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
    if (best === labels[i]) ++correct;
  }
  console.log(`ONNX Runtime ${ort.env.versions.common}, ${modelPath}: test accuracy ${(correct / count).toFixed(4)}`);
}

main().catch((error) => {
  console.error(`onnx_accuracy.js: ${error.message}`);
  process.exit(1);
});
