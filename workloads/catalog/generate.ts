/**
 * Writes the layer catalogs (workloads/catalog/<architecture>.json) from the tables below. The JSON
 * files are the data users read and the loader validates; this script is how they were made, so a
 * shape or a density is changed here and the files regenerated:
 *
 *   npx tsx workloads/catalog/generate.ts
 *
 * Every density carries the id of its source; a density that no source gives is marked with the
 * source id "assumption" and a note saying what was assumed.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogFile, CatalogLayer, CatalogSource, CatalogVariant } from './schema.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

const out = (inSize: number, k: number, s: number, p: number) => Math.floor((inSize + 2 * p - k) / s) + 1;

function conv(name: string, F: number, C: number, k: number, inHW: number, stride = 1, pad = 0, groups = 1): CatalogLayer {
  return {
    name, kind: 'conv', filters: F, channels: C, kernelH: k, kernelW: k, inH: inHW, inW: inHW,
    strideH: stride, strideW: stride, padTop: pad, padBottom: pad, padLeft: pad, padRight: pad, dilationH: 1, dilationW: 1, groups,
  };
}
function fc(name: string, F: number, C: number): CatalogLayer {
  return { name, kind: 'fc', filters: F, channels: C, kernelH: 1, kernelW: 1, inH: 1, inW: 1, strideH: 1, strideW: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1 };
}

const ASSUMPTION: CatalogSource = {
  id: 'assumption',
  citation: 'No published per-layer figure was found for these layers; the density is an assumption stated in the layer note.',
};

function variant(title: string, description: string, sources: CatalogSource[], layers: CatalogLayer[], pick: (l: CatalogLayer, i: number) => { density: number; source: string; note?: string }): CatalogVariant {
  const densities: CatalogVariant['densities'] = {};
  layers.forEach((l, i) => {
    densities[l.name] = pick(l, i);
  });
  const used = new Set(Object.values(densities).map((d) => d.source));
  return { title, description, sources: [...sources, ASSUMPTION].filter((s) => used.has(s.id)), densities };
}

/* ----------------------------------------------------------------- AlexNet / CaffeNet (Caffe) */
function alexnetLayers(): CatalogLayer[] {
  return [
    conv('conv1', 96, 3, 11, 227, 4, 0),
    conv('conv2', 256, 48, 5, 27, 1, 2, 2),
    conv('conv3', 384, 256, 3, 13, 1, 1),
    conv('conv4', 384, 192, 3, 13, 1, 1, 2),
    conv('conv5', 256, 192, 3, 13, 1, 1, 2),
    fc('fc6', 4096, 9216),
    fc('fc7', 4096, 4096),
    fc('fc8', 1000, 4096),
  ];
}

const YANG: CatalogSource = {
  id: 'yang2017',
  citation: 'T.-J. Yang, Y.-H. Chen, V. Sze, "Designing Energy-Efficient Convolutional Neural Networks using Energy-Aware Pruning", CVPR 2017, Table 2 (1000 classes, "This Work" column), as reproduced in the lecture seed (shared/seeds/001, "Prune to Reduce Number of Classes"). The table gives the removed fraction; density = 1 - removed.',
  url: 'https://arxiv.org/abs/1611.05128',
};
const HAN: CatalogSource = {
  id: 'han2015',
  citation: 'S. Han, J. Pool, J. Tran, W. Dally, "Learning both Weights and Connections for Efficient Neural Networks", NIPS 2015 (the pruning stage of Deep Compression), AlexNet remaining-weight fractions as quoted in the lecture seed (shared/seeds/001, splicing table, column "Params.% [9]": ~84/38/35/37/37/9/9/25%).',
  url: 'https://arxiv.org/abs/1506.02626',
};
const HAN_VGG: CatalogSource = {
  id: 'han2015-vgg',
  citation: 'S. Han et al., NIPS 2015, Table 5 "For VGG-16, pruning reduces the number of weights by 12x": column Weights% (remaining weights); column Act% (non-zero activations) is recorded as actDensity.',
  url: 'https://arxiv.org/abs/1506.02626',
};
const DNS: CatalogSource = {
  id: 'guo2016',
  citation: 'Y. Guo, A. Yao, Y. Chen, "Dynamic Network Surgery for Efficient DNNs", NIPS 2016, AlexNet remaining parameters ("w/ splicing" column), as reproduced in the lecture seed (shared/seeds/001, "Fine Tuning: Restoring").',
  url: 'https://arxiv.org/abs/1608.04493',
};
const SKIM: CatalogSource = {
  id: 'skimcaffe',
  citation: 'IntelLabs/SkimCaffe README, "Sparsity of pruned models" (Park et al., "Faster CNNs with Direct Sparse Convolutions and Guided Pruning", ICLR 2017). Sparsity percentages per layer; density = 1 - sparsity.',
  url: 'https://github.com/IntelLabs/SkimCaffe/blob/master/README.md',
};
const DISTILLER_ALEX: CatalogSource = {
  id: 'distiller-alexnet',
  citation: 'Intel Distiller model zoo, "Learning both Weights and Connections for Efficient Neural Networks" results table (torchvision AlexNet, sensitivity pruning): NNZ (sparse) / NNZ (dense) per layer.',
  url: 'https://intellabs.github.io/distiller/model_zoo.html',
};
const DISTILLER_MOBILENET: CatalogSource = {
  id: 'distiller-mobilenet-agp',
  citation: 'Intel Distiller model zoo, "To prune, or not to prune" (Zhu & Gupta, arXiv:1710.01878) results table for MobileNet v1 (width 1) with automated gradual pruning: NNZ (sparse) / NNZ (dense) per layer (depthwise and the first three pointwise layers left dense; later pointwise and FC at 60% sparsity).',
  url: 'https://intellabs.github.io/distiller/model_zoo.html',
};
const DISTILLER_RESNET: CatalogSource = {
  id: 'distiller-resnet50-agp',
  citation: 'Intel Distiller examples/agp-pruning/resnet50.schedule_agp.yaml (Zhu & Gupta automated gradual pruning): results table in the file header, 80% fine-grained sparsity in every convolution and the FC layer except conv1, which is dense; total 25,502,912 weights, 79.97% sparse.',
  url: 'https://github.com/IntelLabs/distiller/blob/master/examples/agp-pruning/resnet50.schedule_agp.yaml',
};

function alexnet(): CatalogFile {
  const layers = alexnetLayers();
  const table = (vals: number[]) => (_l: CatalogLayer, i: number) => vals[i];
  const es = table([0.17, 0.08, 0.09, 0.19, 0.26, 0.08, 0.09, 0.22]);
  const dc = table([0.84, 0.38, 0.35, 0.37, 0.37, 0.09, 0.09, 0.25]);
  const dns = table([0.538, 0.406, 0.29, 0.323, 0.325, 0.037, 0.066, 0.046]);
  const ssSparsity: Record<string, number> = { conv2: 85.6455, conv3: 93.1, conv4: 91.808, conv5: 88.4903, fc6: 90.2809, fc7: 84.3741, fc8: 73.8236 };
  return {
    architecture: 'alexnet',
    description: 'AlexNet as in Caffe bvlc_alexnet / bvlc_reference_caffenet (CaffeNet differs only in the order of pooling and normalisation, which does not change any shape): 227x227 input, conv2/conv4/conv5 split into 2 groups.',
    shapeSource: 'Krizhevsky et al., NIPS 2012; Caffe models/bvlc_alexnet/deploy.prototxt. Per-layer weight counts agree with the lecture seed (35K, 307K, 885K, 664K, 443K, 38M, 17M, 4M; total 61M).',
    input: [3, 227, 227],
    published: { params: 61e6, note: 'AlexNet has about 61 million weights (Han et al. 2015; lecture seed "Total 61M"); biases excluded here.' },
    layers,
    variants: {
      es: variant('AlexNet-ES', 'Energy-aware pruning (the design document calls this network AlexNet-ES).', [YANG], layers, (l, i) => ({ density: es(l, i), source: 'yang2017' })),
      dc: variant('AlexNet-DC', 'Deep Compression magnitude pruning.', [HAN], layers, (l, i) => ({ density: dc(l, i), source: 'han2015' })),
      dns: variant('AlexNet-DNS', 'Dynamic Network Surgery (pruning with splicing).', [DNS], layers, (l, i) => ({ density: dns(l, i), source: 'guo2016' })),
      ss: variant('CaffeNet-SS (AlexNet-SS)', 'SkimCaffe guided pruning of CaffeNet (top-1 57.5%).', [SKIM], layers, (l) =>
        l.name in ssSparsity
          ? { density: round6(1 - ssSparsity[l.name] / 100), source: 'skimcaffe' }
          : { density: 1, source: 'assumption', note: 'SkimCaffe lists no sparsity for conv1 (it prunes conv2..fc8); conv1 is assumed dense.' }),
    },
  };
}

function alexnetTorchvision(): CatalogFile {
  const layers = [
    conv('features.0', 64, 3, 11, 224, 4, 2),
    conv('features.3', 192, 64, 5, 27, 1, 2),
    conv('features.6', 384, 192, 3, 13, 1, 1),
    conv('features.8', 256, 384, 3, 13, 1, 1),
    conv('features.10', 256, 256, 3, 13, 1, 1),
    fc('classifier.1', 4096, 9216),
    fc('classifier.4', 4096, 4096),
    fc('classifier.6', 1000, 4096),
  ];
  const nnz = [13411, 115560, 256565, 315065, 186938, 3398881, 1782769, 994738];
  return {
    architecture: 'alexnet-torchvision',
    description: 'torchvision AlexNet (single tower, no groups, 224x224 input), the model Distiller pruned.',
    shapeSource: 'torchvision.models.alexnet; shapes as listed in the Distiller model-zoo table.',
    input: [3, 224, 224],
    published: { params: 61090496, note: 'Distiller model-zoo table: 61,090,496 weights (biases excluded).' },
    layers,
    variants: {
      distiller: variant('AlexNet (Distiller, sensitivity pruning)', 'Distiller model zoo: 88.44% of weights pruned, top-1 56.61%.', [DISTILLER_ALEX], layers, (l, i) => ({
        density: round6(nnz[i] / weightCount(l)),
        source: 'distiller-alexnet',
      })),
    },
  };
}

/* ------------------------------------------------------------------------------------ VGG-16 */
function vgg16(): CatalogFile {
  const cfg: [string, number][][] = [
    [['conv1_1', 64], ['conv1_2', 64]],
    [['conv2_1', 128], ['conv2_2', 128]],
    [['conv3_1', 256], ['conv3_2', 256], ['conv3_3', 256]],
    [['conv4_1', 512], ['conv4_2', 512], ['conv4_3', 512]],
    [['conv5_1', 512], ['conv5_2', 512], ['conv5_3', 512]],
  ];
  const layers: CatalogLayer[] = [];
  let c = 3;
  let hw = 224;
  for (const stage of cfg) {
    for (const [name, f] of stage) {
      layers.push(conv(name, f, c, 3, hw, 1, 1));
      c = f;
    }
    hw /= 2;
  }
  layers.push(fc('fc6', 4096, 512 * 7 * 7), fc('fc7', 4096, 4096), fc('fc8', 1000, 4096));
  const w = [58, 22, 34, 36, 53, 24, 42, 32, 27, 34, 35, 29, 36, 4, 4, 23];
  const act = [53, 89, 80, 81, 68, 70, 64, 51, 45, 34, 32, 29, 19, 38, 42, 100];
  return {
    architecture: 'vgg16',
    description: 'VGG-16 (configuration D), 224x224 input, all convolutions 3x3 with padding 1.',
    shapeSource: 'Simonyan & Zisserman, ICLR 2015, Table 1 column D.',
    input: [3, 224, 224],
    published: { params: 138e6, note: 'VGG-16 has about 138 million weights (Simonyan & Zisserman Table 2; Han et al. 2015 Table 5 "Total 138M"); biases excluded here.' },
    layers,
    variants: {
      dc: variant('VGG-16-DC', 'Deep Compression magnitude pruning: 7.5% of weights remain.', [HAN_VGG], layers, (_l, i) => ({
        density: w[i] / 100,
        source: 'han2015-vgg',
        actDensity: act[i] / 100,
      })),
    },
  };
}

/* ---------------------------------------------------------------------------------- ResNet-50 */
function resnet50(): CatalogFile {
  const layers: CatalogLayer[] = [conv('conv1', 64, 3, 7, 224, 2, 3)];
  const torchName: Record<string, string> = { conv1: 'conv1', fc1000: 'fc' };
  let inC = 64;
  let hw = 56;
  const stages: [number, number, number][] = [
    [3, 64, 1],
    [4, 128, 2],
    [6, 256, 2],
    [3, 512, 2],
  ];
  stages.forEach(([blocks, mid, stride], si) => {
    const stage = si + 2;
    const outC = mid * 4;
    for (let b = 0; b < blocks; b++) {
      const id = `res${stage}${String.fromCharCode(97 + b)}`;
      const s = b === 0 ? stride : 1;
      const o = out(hw, 1, s, 0);
      const tv = `layer${si + 1}.${b}`;
      layers.push(conv(`${id}_branch2a`, mid, inC, 1, hw, s, 0));
      layers.push(conv(`${id}_branch2b`, mid, mid, 3, o, 1, 1));
      layers.push(conv(`${id}_branch2c`, outC, mid, 1, o, 1, 0));
      torchName[`${id}_branch2a`] = `${tv}.conv1`;
      torchName[`${id}_branch2b`] = `${tv}.conv2`;
      torchName[`${id}_branch2c`] = `${tv}.conv3`;
      if (b === 0) {
        layers.push(conv(`${id}_branch1`, outC, inC, 1, hw, s, 0));
        torchName[`${id}_branch1`] = `${tv}.downsample.0`;
      }
      inC = outC;
      hw = o;
    }
  });
  layers.push(fc('fc1000', 1000, 2048));
  const ss: Record<string, number> = {
    res2a_branch2b: 88.0046, res2b_branch2b: 83.9708, res2c_branch2b: 80.7943,
    res3a_branch2b: 91.7562, res3b_branch2b: 91.9101, res3c_branch2b: 95.5024, res3d_branch2b: 91.1343,
    res4a_branch2b: 96.5534, res4b_branch2b: 97.4677, res4c_branch2b: 97.1471, res4d_branch2b: 96.7648, res4e_branch2b: 96.8435, res4f_branch2b: 96.8374,
    res5a_branch2b: 97.7809, res5b_branch2b: 98.0271, res5c_branch2b: 97.9203, fc1000: 91.5099,
  };
  return {
    architecture: 'resnet50',
    description: 'ResNet-50 as in the Caffe release (Kaiming He): the stride-2 of each stage sits on the first 1x1 convolution (branch2a) and on the projection shortcut (branch1). torchvision (and so Distiller) puts it on the 3x3 convolution instead, which changes only the output positions of two layers per stage, never a weight count.',
    shapeSource: 'He et al., CVPR 2016, Table 1 (50-layer); Caffe ResNet-50-deploy.prototxt layer names. Layer notes give the torchvision name.',
    input: [3, 224, 224],
    published: { params: 25.5e6, note: 'ResNet-50 has about 25.5 million weights (Distiller table: 25,502,912 conv+FC weights, biases and batch-norm excluded, as here).' },
    layers,
    variants: {
      ss: variant('ResNet-50-SS', 'SkimCaffe guided pruning (top-1 72.8%). SkimCaffe prunes only the 3x3 convolutions (branch2b) and fc1000.', [SKIM], layers, (l) =>
        l.name in ss
          ? { density: round6(1 - ss[l.name] / 100), source: 'skimcaffe' }
          : { density: 1, source: 'assumption', note: 'SkimCaffe lists sparsity only for the branch2b 3x3 convolutions and fc1000; the other layers are assumed dense.' }),
      agp: variant('ResNet-50-AGP', 'Distiller automated gradual pruning to 80% (Zhu & Gupta), top-1 76.0%.', [DISTILLER_RESNET], layers, (l) => ({
        density: l.name === 'conv1' ? 1 : round6(Math.ceil(weightCount(l) * 0.2 - 1e-9) / weightCount(l)),
        source: 'distiller-resnet50-agp',
        note: `torchvision name ${torchName[l.name]}`,
      })),
    },
  };
}

/* ---------------------------------------------------------------------------------- GoogLeNet */
function googlenet(): CatalogFile {
  const layers: CatalogLayer[] = [
    conv('conv1/7x7_s2', 64, 3, 7, 224, 2, 3),
    conv('conv2/3x3_reduce', 64, 64, 1, 56),
    conv('conv2/3x3', 192, 64, 3, 56, 1, 1),
  ];
  const modules: [string, number, number, number, number, number, number, number, number][] = [
    // name, in, hw, 1x1, 3x3red, 3x3, 5x5red, 5x5, poolproj
    ['3a', 192, 28, 64, 96, 128, 16, 32, 32],
    ['3b', 256, 28, 128, 128, 192, 32, 96, 64],
    ['4a', 480, 14, 192, 96, 208, 16, 48, 64],
    ['4b', 512, 14, 160, 112, 224, 24, 64, 64],
    ['4c', 512, 14, 128, 128, 256, 24, 64, 64],
    ['4d', 512, 14, 112, 144, 288, 32, 64, 64],
    ['4e', 528, 14, 256, 160, 320, 32, 128, 128],
    ['5a', 832, 7, 256, 160, 320, 32, 128, 128],
    ['5b', 832, 7, 384, 192, 384, 48, 128, 128],
  ];
  for (const [m, inC, hw, c1, r3, c3, r5, c5, pp] of modules) {
    const p = `inception_${m}`;
    layers.push(
      conv(`${p}/1x1`, c1, inC, 1, hw),
      conv(`${p}/3x3_reduce`, r3, inC, 1, hw),
      conv(`${p}/3x3`, c3, r3, 3, hw, 1, 1),
      conv(`${p}/5x5_reduce`, r5, inC, 1, hw),
      conv(`${p}/5x5`, c5, r5, 5, hw, 1, 2),
      conv(`${p}/pool_proj`, pp, inC, 1, hw),
    );
  }
  layers.push(fc('loss3/classifier', 1000, 1024));
  const ss: Record<string, number> = {
    'inception_3a/5x5': 84.5625, 'inception_3b/5x5': 88.5482, 'inception_4a/5x5': 83.7604, 'inception_4b/5x5': 87.3958, 'inception_4c/5x5': 88.0052,
    'inception_4d/5x5': 90.3867, 'inception_4e/5x5': 94.416, 'inception_5a/5x5': 93.3984, 'inception_5b/5x5': 94.8717,
    'conv2/3x3': 81.6533, 'inception_3a/3x3': 90.0861, 'inception_3b/3x3': 90.4699, 'inception_4a/3x3': 87.968, 'inception_4b/3x3': 96.1057,
    'inception_4c/3x3': 94.8968, 'inception_4d/3x3': 92.4134, 'inception_4e/3x3': 98.6999, 'inception_5a/3x3': 96.2437, 'inception_5b/3x3': 94.9538,
    'loss3/classifier': 90.6519,
  };
  return {
    architecture: 'googlenet',
    description: 'GoogLeNet (Inception v1, Caffe bvlc_googlenet), inference path only: the two auxiliary classifiers (loss1, loss2), which exist only for training, are left out.',
    shapeSource: 'Szegedy et al., CVPR 2015, Table 1; Caffe models/bvlc_googlenet/deploy.prototxt layer names.',
    input: [3, 224, 224],
    published: { params: 7e6, note: 'GoogLeNet has about 7 million weights without the auxiliary classifiers (Szegedy et al. Table 1: 6.8M); biases excluded here.' },
    layers,
    variants: {
      ss: variant('GoogLeNet-SS', 'SkimCaffe guided pruning (top-1 68.7%). SkimCaffe prunes the 3x3 and 5x5 convolutions and the classifiers; the auxiliary classifiers it also lists are not part of this inference catalog.', [SKIM], layers, (l) =>
        l.name in ss
          ? { density: round6(1 - ss[l.name] / 100), source: 'skimcaffe' }
          : { density: 1, source: 'assumption', note: 'SkimCaffe lists no sparsity for the 1x1 convolutions, the reductions, the pool projections or conv1; they are assumed dense.' }),
    },
  };
}

/* ------------------------------------------------------------------------------- MobileNet v1 */
function mobilenetV1(): CatalogFile {
  const layers: CatalogLayer[] = [conv('conv0', 32, 3, 3, 224, 2, 1)];
  const blocks: [number, number][] = [
    [1, 64], [2, 128], [1, 128], [2, 256], [1, 256], [2, 512],
    [1, 512], [1, 512], [1, 512], [1, 512], [1, 512], [2, 1024], [1, 1024],
  ];
  let c = 32;
  let hw = 112;
  blocks.forEach(([s, f], i) => {
    const o = out(hw, 3, s, 1);
    layers.push(conv(`conv${i + 1}_dw`, c, 1, 3, hw, s, 1, c), conv(`conv${i + 1}_pw`, f, c, 1, o));
    c = f;
    hw = o;
  });
  layers.push(fc('fc', 1000, 1024));
  const nnzSparse: Record<string, number> = {
    conv4_pw: 13108, conv5_pw: 26215, conv6_pw: 52429, conv7_pw: 104858, conv8_pw: 104858, conv9_pw: 104858,
    conv10_pw: 104858, conv11_pw: 104858, conv12_pw: 209716, conv13_pw: 419431, fc: 409600,
  };
  return {
    architecture: 'mobilenet-v1',
    description: 'MobileNet v1, width 1.0, 224x224 input: a 3x3 stem, 13 depthwise-separable blocks (depthwise 3x3 = groups equal to channels, then pointwise 1x1), FC.',
    shapeSource: 'Howard et al., arXiv:1704.04861, Table 1; weight shapes agree with the Distiller model-zoo table.',
    input: [3, 224, 224],
    published: { params: 4.2e6, note: 'MobileNet v1 has 4.2 million parameters (Howard et al. Table 8); Distiller table: 4,209,088 weights; biases and batch-norm excluded here.' },
    layers,
    variants: {
      agp: variant('MobileNet-v1-AGP', 'Zhu & Gupta automated gradual pruning as run by Distiller: 58.97% of weights pruned, top-1 68.8%.', [DISTILLER_MOBILENET], layers, (l) => ({
        density: l.name in nnzSparse ? round6(nnzSparse[l.name] / weightCount(l)) : 1,
        source: 'distiller-mobilenet-agp',
      })),
    },
  };
}

/* ------------------------------------------------------------------------------- MobileNet v2 */
function mobilenetV2(): CatalogFile {
  const layers: CatalogLayer[] = [conv('conv_stem', 32, 3, 3, 224, 2, 1)];
  const settings: [number, number, number, number][] = [
    [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
  ];
  let c = 32;
  let hw = 112;
  let idx = 0;
  for (const [t, f, n, s] of settings) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const hidden = c * t;
      const o = out(hw, 3, stride, 1);
      const p = `block${idx}`;
      if (t !== 1) layers.push(conv(`${p}_expand`, hidden, c, 1, hw));
      layers.push(conv(`${p}_dw`, hidden, 1, 3, hw, stride, 1, hidden));
      layers.push(conv(`${p}_project`, f, hidden, 1, o));
      c = f;
      hw = o;
      idx++;
    }
  }
  layers.push(conv('conv_last', 1280, 320, 1, 7), fc('fc', 1000, 1280));
  return {
    architecture: 'mobilenet-v2',
    description: 'MobileNet v2, width 1.0, 224x224 input: 3x3 stem, 17 inverted-residual blocks (1x1 expand, 3x3 depthwise, 1x1 project), 1x1 to 1280, FC.',
    shapeSource: 'Sandler et al., CVPR 2018, Table 2.',
    input: [3, 224, 224],
    published: { params: 3.5e6, note: 'MobileNet v2 (1.0, 224) has 3.4-3.5 million parameters (Sandler et al. Table 3: 3.4M; torchvision: 3.50M incl. batch-norm); biases and batch-norm excluded here.' },
    layers,
    variants: {
      agp: variant('MobileNet-v2 (assumed AGP-style)', 'No per-layer published table for a pruned MobileNet v2 was found. Labelled assumption: the MobileNet v1 recipe of Zhu & Gupta / Distiller transferred, i.e. 1x1 convolutions and the FC at 60% sparsity (density 0.4), stem and depthwise convolutions dense.', [], layers, (l) => ({
        density: l.kernelH === 1 && l.groups === 1 ? 0.4 : 1,
        source: 'assumption',
        note: 'Assumed by analogy with the Distiller MobileNet v1 AGP table; not a published figure.',
      })),
    },
  };
}

function weightCount(l: CatalogLayer): number {
  return l.filters * l.channels * l.kernelH * l.kernelW;
}
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

const files = [alexnet(), alexnetTorchvision(), vgg16(), resnet50(), googlenet(), mobilenetV1(), mobilenetV2()];
for (const f of files) {
  writeFileSync(join(HERE, `${f.architecture}.json`), `${JSON.stringify(f, null, 2)}\n`);
}
process.stdout.write(`wrote ${files.map((f) => `${f.architecture}.json`).join(', ')}\n`);
