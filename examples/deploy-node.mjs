// Run an ONNX model built by rpnc with onnxruntime-node:  node deploy-node.mjs model.onnx
// (npm install onnxruntime-node). Prints y for a batch of two rows of x.
import * as ort from 'onnxruntime-node';

const session = await ort.InferenceSession.create(process.argv[2] ?? 'model.onnx', {
  executionProviders: ['cpu'], // ['cuda'] with the CUDA provider installed (see README, Deploying)
});
const m = session.inputMetadata[0].shape[1]; // rpnc models: x float32 [batch, m] -> y float32 [batch, n]
const x = Float32Array.from({ length: 2 * m }, (_, i) => Math.sin(i));
const { y } = await session.run({ x: new ort.Tensor('float32', x, [2, m]) });
console.log(JSON.stringify({ dims: y.dims, y: Array.from(y.data) }));
