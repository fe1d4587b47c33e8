/**
 * LayerSpecs as importers build them: a fully connected layer, and a convolution whose stride,
 * dilation and padding default to 1, 1 and 0 (docs/architecture.md section 3).
 */
import type { LayerSpec } from '../../model/types.ts';

/** A fully connected layer of F outputs over C inputs. */
export function fcSpec(name: string, filters: number, channels: number): LayerSpec {
  return { name, kind: 'fc', filters, channels, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 };
}

type ConvGeometry = Pick<LayerSpec, 'name' | 'filters' | 'channels' | 'kernelH' | 'kernelW' | 'inH' | 'inW'> & Partial<Omit<LayerSpec, 'kind'>>;

/** A convolution; unspecified strides and dilations are 1, pads 0, groups 1. */
export function convSpec(g: ConvGeometry): LayerSpec {
  const { name, filters, channels, kernelH, kernelW, inH, inW } = g;
  const { strideH = 1, strideW = 1, padTop = 0, padBottom = 0, padLeft = 0, padRight = 0, dilationH = 1, dilationW = 1, groups = 1 } = g;
  // the keys in LayerSpec order, so that spec.json files read the same whoever built the spec
  return { name, kind: 'conv', filters, channels, kernelH, kernelW, inH, inW, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups };
}
