/** Shared helpers for the golden-model tests: configurations built from tiny with overrides. */
import { loadConfig } from '../../../tools/configs.ts';
import { resolveConfig, type ConfigInput, type ResolvedConfig } from '../../../contract/config.ts';

export interface CfgOverrides {
  lanes?: number;
  filtersPerTile?: number;
  tiles?: number;
  weightBits?: number;
  activationBits?: number;
  accumulatorBits?: number;
  adderTreeStages?: number;
  pattern?: ConfigInput['pattern'];
  output?: Partial<ConfigInput['output']>;
}

/** tiny's configuration with overrides; throws (like resolveConfig) when the result is invalid. */
export function makeCfg(o: CfgOverrides = {}): ResolvedConfig {
  const base = structuredClone(loadConfig('tiny').input) as ConfigInput;
  const raw = {
    ...base,
    ...Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'output')),
    adderTreeStages: o.adderTreeStages ?? 0,
    output: { ...base.output, ...o.output },
  };
  return resolveConfig(raw, 'test-config');
}
