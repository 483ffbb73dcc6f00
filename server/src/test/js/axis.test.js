// The dashboard's axis ticks, run with `node --test` (from DashboardAxisTest, or by hand).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { niceStep, axis, countLabel, durationLabel } = require(
    path.join(__dirname, '../../main/resources/dev/gannet/server/dashboard/axis.js'));

/** Whether v is 1, 2 or 5 times a power of ten. */
function isRound(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
  return [1, 2, 5, 10].some(m => Math.abs(v - m * p) <= 1e-9 * v);
}

/** Maxima from 0 to 10^10: every mantissa 1.00..9.99 at each power, plus the awkward ones. */
function maxima() {
  const out = [0, 1, 2, 3, 7, 9.99, 62_500, 63_000, 187_500, 188_000, 999_999, 1_000_001];
  for (let e = 0; e <= 9; e++) for (let m = 100; m < 1000; m += 7) out.push(m / 100 * Math.pow(10, e));
  return out;
}

test('steps are 1, 2 or 5 times a power of ten, and never below the smallest step', () => {
  for (const max of maxima()) {
    const { step } = axis(max);
    assert.ok(isRound(step), `step ${step} for max ${max}`);
    assert.ok(step >= 1, `step ${step} for max ${max}`);
  }
  assert.equal(niceStep(0.3, 1, 0.1), 0.5);
  assert.equal(niceStep(0.3, 3, 0.1), 0.1);
  assert.equal(niceStep(11, 1, 1), 20);
});

test('the axis covers the values, with at most four steps of round ticks from zero', () => {
  for (const max of maxima()) {
    const a = axis(max);
    assert.equal(a.ticks[0], 0);
    assert.ok(a.max >= max, `axis to ${a.max} for max ${max}`);
    assert.ok(a.ticks.length >= 2 && a.ticks.length <= 5, `${a.ticks} for max ${max}`);
    a.ticks.forEach((t, i) => assert.equal(t, i * a.step));
    assert.equal(a.max, a.ticks[a.ticks.length - 1]);
  }
});

test('labels are distinct on every axis, as counts and as durations', () => {
  for (const max of maxima()) {
    const a = axis(max);
    for (const label of [countLabel, durationLabel]) {
      const labels = a.ticks.map(t => label(t, a.step));
      assert.equal(new Set(labels).size, labels.length, `${labels} for max ${max}`);
    }
  }
});

test('counts read as round figures', () => {
  // Before: an axis to 250k in quarters read 0, 63k, 125k, 188k, 250k.
  const a = axis(200_000);
  assert.deepEqual(a.ticks.map(t => countLabel(t, a.step)), ['0', '100k', '200k', '300k']);
  const b = axis(1_800);
  assert.deepEqual(b.ticks.map(t => countLabel(t, b.step)), ['0', '500', '1k', '1.5k', '2k']);
  const c = axis(3);
  assert.deepEqual(c.ticks.map(t => countLabel(t, c.step)), ['0', '1', '2', '3', '4']);
  assert.equal(countLabel(2_500_000, 500_000), '2.5M');
  assert.equal(countLabel(3_000_000_000, 1_000_000_000), '3G');
});

test('durations change unit where the number would grow long, and stay exact', () => {
  // Before: an axis to 2µs in quarters read 0, 1µs, 1µs, 2µs, 2µs.
  const one = axis(1);
  assert.deepEqual(one.ticks.map(t => durationLabel(t, one.step)), ['0', '1µs', '2µs']);
  const a = axis(1_800);
  assert.deepEqual(a.ticks.map(t => durationLabel(t, a.step)), ['0', '500µs', '1ms', '1.5ms', '2ms']);
  const b = axis(700);
  assert.deepEqual(b.ticks.map(t => durationLabel(t, b.step)), ['0', '200µs', '400µs', '600µs', '800µs']);
  const c = axis(35_000);
  assert.deepEqual(c.ticks.map(t => durationLabel(t, c.step)), ['0', '10ms', '20ms', '30ms', '40ms']);
  const d = axis(2_600_000);
  assert.deepEqual(d.ticks.map(t => durationLabel(t, d.step)), ['0', '1s', '2s', '3s']);
  assert.equal(durationLabel(1_200, 200), '1.2ms');
  assert.equal(durationLabel(1_050, 50), '1.05ms');
});
