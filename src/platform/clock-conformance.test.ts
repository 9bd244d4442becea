import { realClock } from './clock.ts';
import { SimClock } from './sim-clock.ts';
import { clockConformance } from './clock-conformance.ts';

clockConformance('realClock', () => ({ clock: realClock, pass: (ms) => new Promise((r) => setTimeout(r, ms)) }));

clockConformance('SimClock', () => {
  const clock = new SimClock();
  return {
    clock,
    pass: async (ms) => {
      clock.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
  };
});
