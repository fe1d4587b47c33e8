/**
 * The greedy scheduler (docs/architecture.md section 4): fill the lowest-numbered empty lane that
 * has any candidate, from its first candidate in code order, until no empty lane has one. A move
 * only removes candidates, so one pass over the lanes in order is the same loop.
 */
import type { Scheduler } from '../types.ts';
import { move, skipAndPromote, type Promoter } from './common.ts';

const promoteGreedy: Promoter = (st, k, t) => {
  const { work, S, P } = st;
  const { N, M, ahead, rot } = P;
  const b = (k * S + t) * N;
  for (let l = 0; l < N; l++) {
    if (work[b + l] !== 0) continue;
    for (let j = 1; j < M; j++) {
      const ta = t + ahead[j];
      if (ta < S && work[(k * S + ta) * N + rot[j * N + l]] !== 0) {
        move(st, k, t, l, j);
        break;
      }
    }
  }
};

export const greedy: Scheduler = (set, offsets, lookahead) => skipAndPromote(set, offsets, lookahead, promoteGreedy);
