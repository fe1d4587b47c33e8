/**
 * Small torchvision-style ONNX models built in code with onnx-proto, for the importer's tests: every
 * layer form the importer lowers (non-square strides, per-side and auto_pad padding, per-axis
 * dilation, grouped and depthwise, 1-D, Gemm transB/alpha/beta, MatMul with a constant on either
 * side, BatchNorm after a conv and after a Gemm) next to host operators (pooling, residual Add,
 * Concat, Resize, ConvTranspose, Transpose, LayerNormalization, Softmax). Weights are seeded
 * (model/random.ts), so every model is the same on every run.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxPkg from 'onnx-proto';
import { mulberry32 } from '../../model/random.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const { onnx } = onnxPkg as any;

type Attr = { name: string; type: number; i?: number; f?: number; ints?: number[]; s?: Uint8Array };
export const ints = (name: string, v: number[]): Attr => ({ name, type: 7, ints: v });
export const int = (name: string, v: number): Attr => ({ name, type: 2, i: v });
export const float = (name: string, v: number): Attr => ({ name, type: 1, f: v });
export const str = (name: string, v: string): Attr => ({ name, type: 3, s: new TextEncoder().encode(v) });

export interface Built {
  node(op: string, name: string, inputs: string[], attrs?: Attr[], outputs?: string[]): string;
  /** A seeded float32 initializer in [-scale, scale]. */
  weight(name: string, dims: number[], scale?: number): string;
  constant(name: string, dims: number[], values: number[], dataType?: number): string;
  /** BatchNorm parameters for C channels (gamma, beta, mean, var), seeded, var > 0. */
  batchNorm(name: string, x: string, C: number): string;
  encode(output: string, input: { name: string; dims: number[] }, opset?: number): Uint8Array;
}

export function builder(seed: number): Built {
  const rng = mulberry32(seed);
  const nodes: object[] = [];
  const init: object[] = [];
  const b: Built = {
    node(op, name, inputs, attrs = [], outputs) {
      const out = outputs ?? [`${name}_out`];
      nodes.push({ opType: op, name, input: inputs, output: out, attribute: attrs });
      return out[0]!;
    },
    weight(name, dims, scale = 0.5) {
      const n = dims.reduce((a, c) => a * c, 1);
      init.push({ name, dims, dataType: 1, floatData: Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale) });
      return name;
    },
    constant(name, dims, values, dataType = 1) {
      init.push(dataType === 7 ? { name, dims, dataType, int64Data: values } : { name, dims, dataType, floatData: values });
      return name;
    },
    batchNorm(name, x, C) {
      const g = b.constant(`${name}.gamma`, [C], Array.from({ length: C }, () => 0.5 + rng.next()));
      const be = b.constant(`${name}.beta`, [C], Array.from({ length: C }, () => rng.next() - 0.5));
      const m = b.constant(`${name}.mean`, [C], Array.from({ length: C }, () => (rng.next() - 0.5) * 0.2));
      const v = b.constant(`${name}.var`, [C], Array.from({ length: C }, () => 0.5 + rng.next()));
      return b.node('BatchNormalization', name, [x, g, be, m, v], [float('epsilon', 1e-5)]);
    },
    encode(output, input, opset = 13) {
      const model = onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: '', version: opset }],
        graph: {
          name: 'test',
          node: nodes,
          initializer: init,
          input: [{ name: input.name, type: { tensorType: { elemType: 1, shape: { dim: input.dims.map((d) => ({ dimValue: d })) } } } }],
          output: [{ name: output, type: { tensorType: { elemType: 1 } } }],
        },
      });
      return onnx.ModelProto.encode(model).finish();
    },
  };
  return b;
}

/**
 * The 2-D forms: input [1, 3, 16, 12].
 *   conv_s21   3->8 k3 stride [2,1] pads 1, then BatchNorm (folded) and Relu
 *   conv_asym  8->8 k3 pads [top 0, left 1, bottom 1, right 0], dilation [2,1]
 *   conv_upper 8->8 k[2,3] auto_pad SAME_UPPER stride 2, group 2
 *   conv_lower 8->8 k3 auto_pad SAME_LOWER stride [1,2], depthwise (group 8)
 *   conv_valid 8->6 k[1,3] auto_pad VALID, then MaxPool, residual Add, Concat, Resize, ConvTranspose (host)
 *   fc_tb0     Gemm transB=0 alpha 0.5 beta 2, then BatchNorm (folded)
 *   fc_tb1     Gemm transB=1, then Softmax (host)
 */
export function formsModel2d(seed = 11): Uint8Array {
  const b = builder(seed);
  let x = b.node('Conv', 'conv_s21', ['x', b.weight('w_s21', [8, 3, 3, 3]), b.weight('b_s21', [8], 0.1)], [ints('strides', [2, 1]), ints('pads', [1, 1, 1, 1]), ints('kernel_shape', [3, 3])]);
  x = b.node('Relu', 'relu_s21', [b.batchNorm('bn_s21', x, 8)]);
  const skip = x; // [1, 8, 8, 12]
  x = b.node('Conv', 'conv_asym', [x, b.weight('w_asym', [8, 8, 3, 3], 0.3)], [ints('pads', [0, 1, 1, 0]), ints('dilations', [2, 1])]); // 8 x 6 x 12
  x = b.node('Conv', 'conv_upper', [x, b.weight('w_upper', [8, 4, 2, 3], 0.3)], [str('auto_pad', 'SAME_UPPER'), ints('strides', [2, 2]), int('group', 2), ints('kernel_shape', [2, 3])]); // 8 x 3 x 6
  x = b.node('Conv', 'conv_lower', [x, b.weight('w_lower', [8, 1, 3, 3]), b.weight('b_lower', [8], 0.1)], [str('auto_pad', 'SAME_LOWER'), ints('strides', [1, 2]), int('group', 8)]); // 8 x 3 x 3
  x = b.node('Conv', 'conv_valid', [x, b.weight('w_valid', [6, 8, 1, 3], 0.3)], [str('auto_pad', 'VALID')]); // 6 x 3 x 1
  // host operators on a side branch that joins back: pooling, a residual Add, Concat, Resize, ConvTranspose
  const pooled = b.node('MaxPool', 'pool', [skip], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]); // 8 x 4 x 6
  const res = b.node('Add', 'residual', [pooled, b.node('Relu', 'relu_p', [pooled])]);
  const up = b.node('ConvTranspose', 'deconv', [res, b.weight('w_deconv', [8, 2, 2, 2], 0.3)], [ints('strides', [2, 2])]); // 2 x 8 x 12
  const down = b.node('Resize', 'resize', [up, '', b.constant('scales', [4], [1, 1, 3 / 8, 1 / 12])], [str('mode', 'nearest')]); // 2 x 3 x 1
  x = b.node('Concat', 'concat', [x, down], [int('axis', 1)]); // 8 x 3 x 1
  x = b.node('Flatten', 'flat', [x], [int('axis', 1)]); // [1, 24]
  x = b.node('Gemm', 'fc_tb0', [x, b.weight('w_fc0', [24, 10], 0.3), b.weight('c_fc0', [10], 0.1)], [int('transB', 0), float('alpha', 0.5), float('beta', 2)]);
  x = b.batchNorm('bn_fc0', x, 10);
  x = b.node('Gemm', 'fc_tb1', [x, b.weight('w_fc1', [5, 10], 0.5), b.weight('c_fc1', [1, 5], 0.1)], [int('transB', 1)]);
  const y = b.node('Softmax', 'softmax', [x], [int('axis', 1)]);
  return b.encode(y, { name: 'x', dims: [1, 3, 16, 12] });
}

/**
 * The 1-D and matrix forms (opset 17): input [1, 4, 20].
 *   conv1d     4->6 k3 stride 2 pads [1, 0] dilation 2, Relu
 *   mm_rows    Transpose to [1, L, 6], MatMul with a constant [6, 7]: L rows, then LayerNormalization (host)
 *   mm_left    a constant [5, 7] MatMul x [7, L] (after Transpose and Reshape; L = 9): L columns
 */
export function formsModel1d(seed = 12): Uint8Array {
  const b = builder(seed);
  let x = b.node('Conv', 'conv1d', ['x', b.weight('w_c1', [6, 4, 3]), b.weight('b_c1', [6], 0.1)], [ints('strides', [2]), ints('pads', [1, 0]), ints('dilations', [2])]); // [1, 6, 9]
  x = b.node('Relu', 'relu1', [x]);
  x = b.node('Transpose', 'to_rows', [x], [ints('perm', [0, 2, 1])]); // [1, 9, 6]
  x = b.node('MatMul', 'mm_rows', [x, b.weight('w_rows', [6, 7], 0.4)]); // [1, 9, 7]
  x = b.node('LayerNormalization', 'ln', [x, b.constant('ln_g', [7], [1, 0.9, 1.1, 1, 0.8, 1.2, 1]), b.constant('ln_b', [7], [0, 0.1, 0, -0.1, 0, 0, 0.2])], [int('axis', -1)]);
  x = b.node('Transpose', 'to_cols', [x], [ints('perm', [0, 2, 1])]); // [1, 7, 9]
  x = b.node('Reshape', 'squeeze', [x, b.constant('shape', [2], [7, 9], 7)]); // [7, 9]
  x = b.node('MatMul', 'mm_left', [b.weight('w_left', [5, 7], 0.4), x]); // [5, 9]
  const y = b.node('Softmax', 'softmax', [x], [int('axis', 0)]);
  return b.encode(y, { name: 'x', dims: [1, 4, 20] }, 17);
}

/** Writes `data` as `name` in a fresh temporary folder; returns the path. */
export function tmpFile(name: string, data: Uint8Array | string, prefix = 'st-onnx-'): string {
  const f = join(mkdtempSync(join(tmpdir(), prefix)), name);
  writeFileSync(f, data);
  return f;
}
