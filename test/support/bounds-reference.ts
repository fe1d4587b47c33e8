/**
 * Deliberately naive lower bounds, test oracles for model/bounds.ts (they share no code with it).
 *
 *  - naiveCountBound: the counting bound as first written, O(K*S^2): a table of the rows every
 *    interval [a, b] needs (the interval rule per filter and source interval, the gap rule's
 *    windows), then intervals by ascending right end, each deficit at the rightmost free steps.
 *  - chainBound: the weaker bound stats.json reported before: max(chain, max over filters
 *    ceil(nnz/N), 1), where chain is the fewest rows whose reach [t, t+h] covers every step that
 *    holds a weight, starting at a step <= h and advancing by at most h+1.
 */
import type { SetWeights } from '../../model/types.ts';

export function naiveCountBound(set: SetWeights, h: number): { bound: number; steps: Uint8Array } {
  const { K, S, N, weights } = set;
  const cnt = new Int32Array(K * S);
  let tlast = -1;
  for (let k = 0; k < K; k++) {
    for (let t = 0; t < S; t++) {
      let n = 0;
      for (let l = 0; l < N; l++) if (weights[(k * S + t) * N + l] !== 0) n++;
      cnt[k * S + t] = n;
      if (n > 0 && t > tlast) tlast = t;
    }
  }
  const y = new Uint8Array(S);
  if (tlast < 0) return { bound: 0, steps: y };
  const need = new Int32Array(S * S); // need[b*S + a]: points required in [a, b]
  for (let k = 0; k < K; k++) {
    for (let u = 0; u < S; u++) {
      const a = Math.max(0, u - h);
      let tot = 0;
      for (let v = u; v < S; v++) {
        tot += cnt[k * S + v];
        need[v * S + a] = Math.max(need[v * S + a], Math.ceil(tot / N));
      }
    }
  }
  const atLeast1 = (a: number, b: number) => {
    need[b * S + a] = Math.max(need[b * S + a], 1);
  };
  for (let u = h + 1; u <= tlast - h; u++) atLeast1(u - h - 1, u - 1);
  atLeast1(Math.max(0, tlast - h), tlast);
  let bound = 0;
  for (let b = 0; b < S; b++) {
    let have = 0;
    for (let a = b; a >= 0; a--) {
      have += y[a];
      const n = need[b * S + a];
      for (let t = b; t >= a && have < n; t--) {
        if (!y[t]) {
          y[t] = 1;
          have++;
          bound++;
        }
      }
    }
  }
  return { bound, steps: y };
}

export function chainBound(set: SetWeights, h: number): number {
  const { K, S, N, weights } = set;
  const stepUsed = new Uint8Array(S);
  let perFilter = 0;
  for (let k = 0; k < K; k++) {
    let nnz = 0;
    for (let t = 0; t < S; t++) {
      for (let l = 0; l < N; l++) {
        if (weights[(k * S + t) * N + l] !== 0) {
          nnz++;
          stepUsed[t] = 1;
        }
      }
    }
    perFilter = Math.max(perFilter, Math.ceil(nnz / N));
  }
  let chain = 0;
  let prev = -1;
  let covered = -1;
  for (let u = 0; u < S; u++) {
    while (stepUsed[u] && u > covered) {
      prev = Math.min(u, prev + h + 1);
      covered = prev + h;
      chain++;
    }
  }
  return Math.max(1, chain, perFilter);
}
