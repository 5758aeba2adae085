/** A dense float32 tensor in row-major (C) order. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}
