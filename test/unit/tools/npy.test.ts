/**
 * The .npy reader accepts exactly what numpy's format module accepts (for the dtypes sparsetile
 * reads, in C order). numpy itself is the reference: a differential property test writes random
 * headers (valid ones and near misses: hex, float and negative dimensions, spaces inside a number,
 * extra or missing keys, non-ASCII bytes, trailing garbage, Python 2 longs, truncated files, odd
 * versions) and asks numpy.load about each, in one Python process.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SparsetileError } from '../../../contract/errors.ts';
import { encodeNpy, parseNpy } from '../../../tools/npy.ts';
import { fcParams, seedTag } from '../../support/seed.ts';

/** A python3 with numpy: `make setup` installs Debian's python3-numpy when none is found. */
function pythonWithNumpy(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import numpy'], { stdio: 'ignore' });
      return py;
    } catch {
      // try the next one
    }
  }
  return null;
}

/** A .npy file with `header` (padded like numpy does) and `dataBytes` bytes of data. */
function npyBytes(major: number, header: string, dataBytes: number, latin1 = true): Uint8Array {
  const body = latin1 ? Uint8Array.from(header, (c) => c.charCodeAt(0) & 0xff) : new TextEncoder().encode(header);
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + body.length + dataBytes);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, body.length, true);
  else v.setUint32(8, body.length, true);
  out.set(body, pre);
  for (let i = 0; i < dataBytes; i++) out[pre + body.length + i] = (i * 7) & 0xff;
  return out;
}

const accepts = (buf: Uint8Array): { ok: true; shape: number[]; data: number[] } | { ok: false } => {
  try {
    const a = parseNpy(buf, 'x.npy');
    return { ok: true, shape: [...a.shape], data: [...a.data].slice(0, 64) };
  } catch (e) {
    if (!(e instanceof SparsetileError)) throw e;
    return { ok: false };
  }
};

describe('tools/npy.ts parseNpy', () => {
  it('reads what encodeNpy writes, every dtype', () => {
    for (const dtype of ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float32', 'float64'] as const) {
      const a = parseNpy(encodeNpy(dtype, [2, 3], [1, 2, 3, 4, 5, 6]));
      expect([a.dtype, [...a.shape], [...a.data]]).toEqual([dtype, [2, 3], [1, 2, 3, 4, 5, 6]]);
    }
  });

  it('says why a near miss is not a .npy file', () => {
    const msg = (h: string, data = 12) => {
      try {
        parseNpy(npyBytes(1, h, data), 'x.npy');
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(msg("{'descr': '<i2', 'fortran_order': False, 'shape': (1e1,), }")).toMatch(/^x\.npy: is not a readable \.npy file: its shape .* is not a tuple of integers\./);
    expect(msg("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), 'x': 1}")).toContain("its header has the keys ['descr', 'fortran_order', 'shape', 'x'], and numpy requires exactly 'descr', 'fortran_order' and 'shape'");
    expect(msg("{'descr': '<i2', 'fortran_order': False, 'shape': (-2,), }")).toContain('has the negative dimension -2');
    expect(msg("{'descr': '<i2', 'fortran_order': False, 'shape': (1 0,), }")).toContain('is not a Python dict literal');
    expect(msg("{'descr': '<i2', 'fortran_order': False, 'shape': (100,), }")).toMatch(/is truncated: shape \[100\] of int16 needs 200 data bytes, but only 12 follow the header/);
    expect(() => parseNpy(npyBytes(2, '', 0).subarray(0, 11), 'x.npy')).toThrow('it ends inside its 4-byte header length field');
  });

  const py = pythonWithNumpy();
  it.runIf(py !== null)(`accepts exactly what numpy.load accepts, on random near-miss headers ${seedTag}`, () => {
    // mostly valid pieces, each near miss rare, so that both verdicts are common
    const often = <T,>(valid: fc.Arbitrary<T>, ...odd: fc.Arbitrary<T>[]) => fc.oneof({ arbitrary: valid, weight: 3 * odd.length }, ...odd.map((a) => ({ arbitrary: a, weight: 1 })));
    const int = often(
      fc.integer({ min: 0, max: 5 }).map(String),
      fc.integer({ min: 0, max: 6 }).map((n) => `0x${n.toString(16)}`),
      fc.integer({ min: 0, max: 6 }).map((n) => `0o${n.toString(8)}`),
      fc.integer({ min: 1, max: 6 }).map((n) => `-${n}`),
      fc.integer({ min: 1, max: 6 }).map((n) => `${n}L`),
      fc.constantFrom('1e1', '2.0', '1_0', '1 0', 'True', 'None', '0_1', '00', '+3', "'3'"),
    );
    const shape = often(
      fc.array(int, { maxLength: 3 }).map((xs) => `(${xs.join(', ')}${xs.length === 1 ? ',' : ''})`),
      fc.array(int, { minLength: 1, maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
      int,
    );
    const descr = fc.constantFrom("'<i2'", "'|i1'", "'<f8'", "'<u4'", "'>i2'", "'>f4'", "'<i3'", "'i2'", "'=i8'", "'|u2'", "'<f2'", "'<c8'", '"<i4"');
    const header = fc
      .record({
        descr,
        shape,
        fortran: often(fc.constantFrom('False', 'True'), fc.constant('0')),
        order: fc.constantFrom(0, 1, 2),
        extra: often(fc.constant(''), fc.constant(" 'x': 1,")),
        drop: often(fc.constant(''), fc.constantFrom('descr', 'shape')),
        tail: often(fc.constantFrom('', ' ', '\n', ' # note'), fc.constantFrom(' \xe9', ' }')),
        version: often(fc.constantFrom(1, 2, 3), fc.constant(4)),
        data: often(fc.constant(2000), fc.integer({ min: 0, max: 600 })),
      })
      .map((h) => {
        const kv = [
          ['descr', `'descr': ${h.descr}`],
          ['fortran_order', `'fortran_order': ${h.fortran}`],
          ['shape', `'shape': ${h.shape}`],
        ].filter(([k]) => k !== h.drop);
        const order = [kv, [...kv].reverse(), [kv[1] ?? kv[0], ...kv.filter((_, i) => i !== 1)]][h.order]!.map((x) => x![1]);
        return { text: `{${order.join(', ')},${h.extra} }${h.tail}`, version: h.version, data: h.data };
      });
    const cases = fc.sample(header, { ...fcParams(300), numRuns: fcParams(300).numRuns });
    const files = cases.map((c) => npyBytes(c.version, c.text, c.data));
    // numpy's verdict on every file: the shape and the first values in C order when np.load reads it
    // with a dtype sparsetile reads (any byte order, C or Fortran order), else null.
    const script = [
      'import sys, json, io, base64, numpy as np',
      "ok = {'i1','i2','i4','i8','u1','u2','u4','f4','f8'}",
      'out = []',
      'for b in json.load(sys.stdin):',
      '    try:',
      '        a = np.load(io.BytesIO(base64.b64decode(b)), allow_pickle=False)',
      "        good = f'{a.dtype.kind}{a.dtype.itemsize}' in ok",
      "        out.append([list(a.shape), [float(x) for x in a.ravel(order='C')[:64]]] if good else None)",
      '    except Exception:',
      '        out.append(None)',
      'print(json.dumps(out))',
    ].join('\n');
    const verdicts = JSON.parse(execFileSync(py!, ['-c', script], { input: JSON.stringify(files.map((f) => Buffer.from(f).toString('base64'))), encoding: 'utf8' })) as ([number[], number[]] | null)[];
    const differ: string[] = [];
    files.forEach((f, i) => {
      const mine = accepts(f);
      const theirs = verdicts[i];
      const same = theirs === null ? !mine.ok : mine.ok && JSON.stringify([mine.shape, mine.data]) === JSON.stringify(theirs);
      if (!same) differ.push(`v${cases[i]!.version} ${JSON.stringify(cases[i]!.text)} + ${cases[i]!.data} bytes: numpy ${JSON.stringify(theirs)}, sparsetile ${JSON.stringify(mine)}`);
    });
    expect(differ.slice(0, 10)).toEqual([]);
    // the corpus exercises both verdicts
    const accepted = verdicts.filter((v) => v !== null).length;
    expect(accepted).toBeGreaterThan(cases.length / 20);
    expect(accepted).toBeLessThan(cases.length - cases.length / 20);
  });
});
