import { InFlightRequests } from './in-flight';

describe('in-flight requests', () => {
  it('is idle at once when nothing runs', async () => {
    await expect(new InFlightRequests().idle()).resolves.toBeUndefined();
  });

  it('becomes idle only when the last exchange ends, counting each end once', async () => {
    const inFlight = new InFlightRequests();
    const first = inFlight.begin();
    const second = inFlight.begin();
    let idle = false;
    const waiting = inFlight.idle().then(() => {
      idle = true;
    });
    first();
    first();
    await Promise.resolve();
    expect(inFlight.size).toBe(1);
    expect(idle).toBe(false);
    second();
    await waiting;
    expect(idle).toBe(true);
    expect(inFlight.size).toBe(0);
  });
});
