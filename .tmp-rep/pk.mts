import { importRealModels, REAL_MODELS } from '../experiments/models.ts';
const r = await importRealModels(REAL_MODELS, 16);
console.log(r.map((m) => `${m.model.id} ${m.ok ? `ok ${m.layers} cached ${m.cached}` : `FAIL ${m.problem.slice(0, 150)}`}`));
