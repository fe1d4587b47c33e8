/**
 * Random valid junction chains for property tests, built constructively so that every draw is valid
 * (docs/junction.md section 1): per junction a parallelism z and a bank depth D (N_out = z*D), a
 * fan-out among those the rules allow (falling back to fully connected, which always is), and for
 * junction 0 an input width that makes the fan-in whole.
 */
import fc from 'fast-check';
import { resolveJunctionConfig, type JunctionConfigInput, type ResolvedJunctionConfig } from '../../contract/junction.ts';

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export interface ChainDraw {
  readonly junctions: readonly { readonly z: number; readonly rows: number; readonly pick: number; readonly k: number }[];
  readonly seed: number;
  readonly relu: boolean;
}

export const chainDraw = (maxJunctions = 3, maxZ = 12, maxRows = 5): fc.Arbitrary<ChainDraw> =>
  fc.record({
    junctions: fc.array(
      fc.record({ z: fc.integer({ min: 1, max: maxZ }), rows: fc.integer({ min: 1, max: maxRows }), pick: fc.nat(), k: fc.integer({ min: 1, max: 3 }) }),
      { minLength: 1, maxLength: maxJunctions },
    ),
    seed: fc.nat({ max: 0xffffffff }),
    relu: fc.boolean(),
  });

/** The configuration of a draw: always valid. */
export function chainConfig(d: ChainDraw, arithmetic?: Partial<JunctionConfigInput['arithmetic']>): ResolvedJunctionConfig {
  const widths: number[] = [];
  const junctions: { fanOut: number; fanIn: number; parallelism: number }[] = [];
  let prevZ = 0;
  d.junctions.forEach((j, i) => {
    const nOut = j.z * j.rows;
    const nIn = i === 0 ? 0 : widths[i];
    const ok = (f: number) => {
      if (!(f % j.z === 0 || j.z % f === 0)) return false;
      if (i > 0 && (nIn * f) % nOut !== 0) return false;
      const p = j.z >= f ? j.z / f : 1;
      return i === 0 || prevZ % p === 0;
    };
    const candidates = Array.from({ length: nOut }, (_, k) => k + 1).filter(ok);
    const fanOut = candidates.length > 0 ? candidates[j.pick % candidates.length] : nOut;
    const left = i === 0 ? (j.k * nOut) / gcd(nOut, fanOut) : nIn;
    if (i === 0) widths.push(left);
    widths.push(nOut);
    junctions.push({ fanOut, fanIn: (left * fanOut) / nOut, parallelism: j.z });
    prevZ = j.z;
  });
  return resolveJunctionConfig({
    name: 'random',
    description: 'a random valid chain',
    layers: widths,
    junctions,
    arithmetic: { weightBits: 8, weightFractionBits: 6, activationBits: 8, deltaBits: 8, accumulatorBits: 30, updateShift: 8, ...arithmetic },
    hiddenActivation: d.relu ? 'relu' : 'linear',
    patternSeed: d.seed,
    maxInputs: 8,
  } satisfies JunctionConfigInput, 'random chain');
}
