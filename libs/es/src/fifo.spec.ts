import { Fifo } from './fifo';

describe('Fifo', () => {
  it('returns items in insertion order across compactions', () => {
    const queue = new Fifo<number>();
    for (let i = 0; i < 5_000; i++) queue.push(i);
    const out: number[] = [];
    for (let i = 0; i < 3_000; i++) out.push(queue.shift() as number);
    for (let i = 5_000; i < 6_000; i++) queue.push(i);
    while (queue.length > 0) out.push(queue.shift() as number);
    expect(out).toEqual(Array.from({ length: 6_000 }, (_, i) => i));
    expect(queue.shift()).toBeUndefined();
  });
});
