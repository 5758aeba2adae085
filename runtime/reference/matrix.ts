/**
 * The reference interpreter's only data type: a dense row-major matrix of float64 values.
 * Everything is computed in float64 with plain loops; results are returned as float32 at the end.
 */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function fromFloat32(rows: number, cols: number, data: Float32Array | ArrayLike<number>): Mat {
  if (data.length !== rows * cols) throw new Error(`reference: expected ${rows}×${cols} = ${rows * cols} values, got ${data.length}`);
  return { rows, cols, data: Float64Array.from(data) };
}

export function at(a: Mat, i: number, j: number): number {
  return a.data[i * a.cols + j];
}

/** Element-wise map. */
export function map(a: Mat, f: (v: number, i: number, j: number) => number): Mat {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = f(a.data[i * a.cols + j], i, j);
  return out;
}

/** A·B. */
export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error(`reference: matmul ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const out = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  return out;
}

/** X·Wᵀ (+ bias broadcast over rows): torch's F.linear. */
export function linear(x: Mat, w: Mat, bias?: ArrayLike<number>): Mat {
  if (x.cols !== w.cols) throw new Error(`reference: linear ${x.rows}×${x.cols} · (${w.rows}×${w.cols})ᵀ`);
  const out = zeros(x.rows, w.rows);
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < w.rows; j++) {
      let s = 0;
      for (let k = 0; k < x.cols; k++) s += x.data[i * x.cols + k] * w.data[j * w.cols + k];
      out.data[i * w.rows + j] = s + (bias ? bias[j] : 0);
    }
  return out;
}

export function add(a: Mat, b: Mat): Mat {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`reference: add ${a.rows}×${a.cols} + ${b.rows}×${b.cols}`);
  return map(a, (v, i, j) => v + at(b, i, j));
}

/** [a_0 ; a_1 ; …] along the feature (column) axis. */
export function concatCols(parts: Mat[]): Mat {
  const rows = parts[0].rows;
  const cols = parts.reduce((s, p) => s + p.cols, 0);
  const out = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    let off = 0;
    for (const p of parts) {
      if (p.rows !== rows) throw new Error('reference: concatenating matrices with different row counts');
      for (let j = 0; j < p.cols; j++) out.data[i * cols + off + j] = p.data[i * p.cols + j];
      off += p.cols;
    }
  }
  return out;
}
