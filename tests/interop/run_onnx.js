// Runs an ONNX model in ONNX Runtime (npm's onnxruntime-node), the independent side of
// tests/test_interop_onnx.cpp:
//   NODE_PATH=<cache>/node_modules node run_onnx.js MODEL.onnx INPUT.json OUTPUT.json
// INPUT.json is {"name": "input", "shape": [N, F], "data": [...]} (row-major float32 values); OUTPUT.json
// receives {"name": ..., "shape": [...], "data": [...]} for the model's first output.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, inputPath, outputPath] = process.argv.slice(2);
  const input = JSON.parse(fs.readFileSync(inputPath, 'utf8'));
  const session = await ort.InferenceSession.create(modelPath, {executionProviders: ['cpu'], intraOpNumThreads: 1});
  const feeds = {[input.name]: new ort.Tensor('float32', Float32Array.from(input.data), input.shape)};
  const results = await session.run(feeds);
  const name = session.outputNames[0];
  const output = results[name];
  fs.writeFileSync(outputPath, JSON.stringify({name, shape: output.dims, data: Array.from(output.data)}));
}

main().catch((error) => {
  console.error(`run_onnx.js: ${error.message}`);
  process.exit(1);
});
