/**
 * Which layers of an imported model run on the tile, which are folded into a tile layer, and which
 * run on the host and why: the reasons (one table for ONNX operators and TF.js layer classes and
 * ops), the coverage summary the manifest holds, and the table `sparsetile import` prints and writes
 * as coverage.md.
 */
import type { HostLayer, TileLayer } from './types.ts';

/** Why an operator (ONNX op, TF.js layer class or GraphDef op) runs on the host; first match wins. */
const REASONS: [RegExp, string][] = [
  [/^(ConvTranspose|Conv2DTranspose|Conv2dTranspose|Conv1DTranspose|Conv2DBackpropInput|Deconv)/i, 'transposed convolution: the tile has no scatter dataflow'],
  [/^(Conv3D|Conv3d|ConvLSTM)/i, '3-D or recurrent convolution: the tile lowers 1-D and 2-D convolutions'],
  [/^(Relu|ReLU|LeakyRelu|LeakyReLU|PRelu|PReLU|Elu|ELU|Selu|Celu|Clip|Relu6|Sigmoid|HardSigmoid|HardSwish|Swish|Tanh|Softplus|Softsign|Gelu|Erf|Mish|ThresholdedReLU|Activation)$/i, 'activation function'],
  [/^(Softmax|LogSoftmax|Hardmax)$/i, 'softmax'],
  [/Pool|Pooling/i, 'pooling'],
  [/^(Add|AddV2|Sub|Mul|Div|Pow|Sqrt|Rsqrt|Exp|Log|Neg|Abs|Reciprocal|Min|Max|Minimum|Maximum|Mean|Sum|Multiply|Subtract|Average|BiasAdd|Square|SquaredDifference|RealDiv|Floor|Ceil|Round|Sign|Where|Select|Equal|Less|Greater|LessOrEqual|GreaterOrEqual|And|Or|Not|Xor)$/i, 'elementwise arithmetic'],
  [/^(Reduce|Sum$|Mean$|Prod$|ArgMax|ArgMin|TopK|CumSum)/i, 'reduction'],
  [/^(BatchNormalization|FusedBatchNorm|InstanceNormalization|LayerNormalization|GroupNormalization|LRN|LayerNorm)/i, 'normalisation not directly after a tile layer (nothing to fold it into)'],
  [/^(Resize|Upsample|UpSampling|ResizeBilinear|ResizeNearestNeighbor)/i, 'resampling'],
  [/^(Reshape|Flatten|Transpose|Squeeze|Unsqueeze|ExpandDims|Concat|ConcatV2|Concatenate|Slice|StridedSlice|Split|SplitV|Gather|GatherV2|GatherND|Shape|Size|Cast|Expand|Tile|Pad|PadV2|MirrorPad|ZeroPadding|Cropping|Identity|Dropout|SpatialDropout|GaussianNoise|GaussianDropout|AlphaDropout|ActivityRegularization|Permute|RepeatVector|ConstantOfShape|Range|NonZero|ScatterND|DepthToSpace|SpaceToDepth|Pack|Unpack|Fill|Einsum|InputLayer|Masking)/i, 'data movement or shape computation'],
  [/^(LSTM|GRU|RNN|SimpleRNN|Bidirectional|TimeDistributed|Attention|MultiHeadAttention|Embedding)$/i, 'recurrent, attention or embedding layer'],
];

export function hostReason(op: string): string {
  return REASONS.find(([re]) => re.test(op))?.[1] ?? 'not a convolution or matrix product the tile lowers';
}

export interface CoverageRow { readonly name: string; readonly op: string; readonly where: 'tile' | 'folded' | 'host'; readonly why: string }

/** Every layer of the model in one table: tile layers, folded nodes, host layers. */
export function coverageRows(tile: readonly TileLayer[], host: readonly HostLayer[]): CoverageRow[] {
  const rows: CoverageRow[] = [];
  tile.forEach((l, i) => {
    rows.push({ name: l.node, op: l.op, where: 'tile', why: `tile layer ${i}: ${l.spec.kind === 'fc' ? 'fully connected' : l.spec.groups > 1 ? `${l.spec.groups}-group convolution` : 'convolution'}` });
    for (const f of l.folded) rows.push({ name: f.name, op: f.op, where: 'folded', why: `folded into "${l.node}" (${/BatchNorm/.test(f.op) ? 'scale into its weights, shift into its bias' : 'into its bias'})` });
  });
  for (const h of host) rows.push({ name: h.name, op: h.op, where: 'host', why: h.why });
  return rows;
}

/** The manifest's summary: counts, the host operators by count, and every host layer with its reason. */
export function coverageSummary(tile: readonly TileLayer[], host: readonly HostLayer[]) {
  const byOp = new Map<string, { count: number; why: string }>();
  for (const h of host) {
    const e = byOp.get(h.op) ?? { count: 0, why: h.why };
    e.count++;
    byOp.set(h.op, e);
  }
  return {
    tile: tile.length,
    folded: tile.reduce((a, l) => a + l.folded.length, 0),
    host: host.length,
    hostOps: [...byOp].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0])).map(([op, e]) => ({ op, count: e.count, why: e.why })),
    hostLayers: host.map((h) => ({ name: h.name, op: h.op, why: h.why })),
  };
}

export type Coverage = ReturnType<typeof coverageSummary>;

/** coverage.md: the whole table, one row per layer, in model order within each group. */
export function coverageMarkdown(title: string, tile: readonly TileLayer[], host: readonly HostLayer[]): string {
  const s = coverageSummary(tile, host);
  const esc = (t: string) => t.replace(/\|/g, '\\|');
  const lines = [
    `# ${title}: where each layer runs`,
    '',
    `${s.tile} layers on the tile, ${s.folded} folded into them, ${s.host} on the host (computed by the float reference framework in the integer pass).`,
    '',
    '| layer | op | runs on | why |',
    '|---|---|---|---|',
    ...coverageRows(tile, host).map((r) => `| ${esc(r.name)} | ${esc(r.op)} | ${r.where} | ${esc(r.why)} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The lines `sparsetile import` prints: counts, then the host operators grouped with their reason. */
export function coverageLines(c: Coverage): string[] {
  const lines = [`coverage: ${c.tile} tile layers (${c.folded} nodes folded into them), ${c.host} host layers`];
  for (const o of c.hostOps) lines.push(`  host ${String(o.count).padStart(4)} x ${o.op.padEnd(20)} ${o.why}`);
  return lines;
}
