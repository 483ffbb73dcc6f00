// The dashboard's y axes: round steps (1, 2 or 5 times a power of ten) and labels that are exact, so no two read
// the same. A plain script for the page, and a CommonJS module for `node --test` (server/src/test/js).
'use strict';

const GannetAxis = (() => {
  const STEPS = [1, 2, 5];

  /** The smallest step of 1, 2 or 5 times a power of ten, at least `minStep`, that covers `max` in `intervals`. */
  function niceStep(max, intervals, minStep) {
    const want = Math.max(max / intervals, minStep);
    let p = Math.pow(10, Math.floor(Math.log10(want)));
    for (;;) {
      for (const m of STEPS) {
        // The small tolerance keeps 3 * 0.1 style rounding from skipping a step that fits.
        if (m * p >= want * (1 - 1e-9)) return m * p;
      }
      p *= 10;
    }
  }

  /**
   * The axis for values up to `max`: {max, step, ticks}, ticks from 0 to max in steps of `step`, with room above
   * the largest value, and at most `intervals` steps. `minStep` is the smallest step that makes sense (1 for counts
   * and whole microseconds).
   */
  function axis(max, intervals = 4, minStep = 1) {
    const top = Math.max(max, 0) * 1.1;
    const step = niceStep(top, intervals, minStep);
    const n = Math.max(1, Math.ceil(top / step - 1e-9));
    const ticks = [];
    for (let i = 0; i <= n; i++) ticks.push(round(i * step, step));
    return { max: ticks[n], step, ticks };
  }

  /** i * step without the binary fraction noise (0.1 * 3 = 0.30000000000000004). */
  function round(v, step) {
    const d = decimals(step, 1);
    return d === 0 ? Math.round(v) : Number(v.toFixed(d));
  }

  /** How many decimals show multiples of `step` exactly when written in `unit`s. */
  function decimals(step, unit) {
    const r = step / unit;
    return r >= 1 ? 0 : Math.ceil(-Math.log10(r) - 1e-9);
  }

  /** `v / unit` with just the decimals `step` needs, trailing zeros dropped (1.50 -> 1.5, 2.0 -> 2). */
  function scaled(v, unit, step) {
    const s = (v / unit).toFixed(decimals(step, unit));
    return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  }

  /** A count on an axis of `step`: 0, 500, 1k, 1.5k, 2M. */
  function countLabel(v, step) {
    const a = Math.abs(v);
    if (a >= 1e9) return scaled(v, 1e9, step) + 'G';
    if (a >= 1e6) return scaled(v, 1e6, step) + 'M';
    if (a >= 1e3) return scaled(v, 1e3, step) + 'k';
    return scaled(v, 1, step);
  }

  /** Microseconds on an axis of `step`: 0, 500µs, 1ms, 1.5ms, 2s. */
  function durationLabel(us, step) {
    if (us === 0) return '0';
    const a = Math.abs(us);
    if (a >= 1e6) return scaled(us, 1e6, step) + 's';
    if (a >= 1e3) return scaled(us, 1e3, step) + 'ms';
    return scaled(us, 1, step) + 'µs';
  }

  return { niceStep, axis, countLabel, durationLabel };
})();

if (typeof module === 'object' && module.exports) module.exports = GannetAxis;
