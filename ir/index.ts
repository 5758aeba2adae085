/** rpnc IR: public surface. */
export * from './tensor.js';
export * from './graph.js';
export { GraphBuilder, type NodeOptions, type Operand } from './builder.js';
export { inferNode, broadcastShapes, type ValueType } from './infer.js';
export { verify } from './verify.js';
export { printGraph, printNode, formatTensorValues } from './print.js';
export { evaluateNode, runGraph } from './eval.js';
export * from './passes/index.js';
export { maxOf, minOf, pushAll } from './arrays.js';
