import { DEFAULT_PSYCH_PARAMS, PsychComputable } from '../src/model';
import { CRASH, feed, series, STEADY_RISE } from './series';

describe('psych checkpoint layout', () => {
  it('restores a state that assesses, remembers and goes on exactly like the original', () => {
    const inputs = series('BTCUSDT', STEADY_RISE);
    const original = feed(new PsychComputable(), inputs.slice(0, inputs.length - 20));
    original.commit(original.assess());
    const restored = new PsychComputable();
    expect(restored.restoreFloats(original.toFloats())).toBe(true);
    expect(restored.assess()).toEqual(original.assess());
    expect(restored.previous).toEqual(original.previous);
    // The inputs after the checkpoint (what a restore replays) lead both to the same place.
    feed(original, inputs.slice(inputs.length - 20));
    feed(restored, inputs.slice(inputs.length - 20));
    expect(restored.assess()).toEqual(original.assess());
    expect(restored.eventTime).toBe(original.eventTime);
  });

  it('replaying inputs the checkpoint already holds changes nothing (the restore margin re-reads some)', () => {
    const inputs = series('ETHUSDT', CRASH);
    const original = feed(new PsychComputable(), inputs);
    const restored = new PsychComputable();
    restored.restoreFloats(original.toFloats());
    feed(restored, inputs.slice(inputs.length - 100));
    expect(restored.toFloats()).toEqual(original.toFloats());
  });

  it('refuses a checkpoint of windows built with other parameters, or a truncated one, and stays as it was', () => {
    const inputs = series('BTCUSDT', STEADY_RISE);
    const original = feed(new PsychComputable(), inputs);
    const other = new PsychComputable({ ...DEFAULT_PSYCH_PARAMS, windowMs: 2 * DEFAULT_PSYCH_PARAMS.windowMs });
    expect(other.restoreFloats(original.toFloats())).toBe(false);
    expect(other.hasSpot()).toBe(false);
    const target = feed(new PsychComputable(), inputs.slice(0, 10));
    const before = target.toFloats();
    const floats = original.toFloats();
    expect(target.restoreFloats(floats.subarray(0, floats.length - 3))).toBe(false);
    expect(target.toFloats()).toEqual(before);
  });

  it('an empty state round-trips too', () => {
    const restored = new PsychComputable();
    expect(restored.restoreFloats(new PsychComputable().toFloats())).toBe(true);
    expect(restored.hasSpot()).toBe(false);
    expect(restored.previous).toBeUndefined();
  });
});
