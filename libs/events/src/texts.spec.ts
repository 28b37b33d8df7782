import { retrySuffix, taskText } from './texts';

describe('retrySuffix', () => {
  it.each([
    [0, 5, ''],
    [0, -1, ''],
    [1, 5, ' [retry 1/5]'],
    [5, 5, ' [retry 5/5]'],
    [7, -1, ' [retry 7]'],
    [1, 0, ' [retry 1/0]'],
  ])('current %i, total %i → %j', (current, total, suffix) => {
    expect(retrySuffix(current, total)).toBe(suffix);
  });
});

describe('taskText', () => {
  it('leaves out " -> " when a failure has no error text', () => {
    expect(taskText('failed', 't', { currentRetries: 0, totalRetries: 0 })).toBe("Task failed 't'");
    expect(taskText('rescheduled', 't', { currentRetries: 0, totalRetries: 0, error: '' })).toBe("Task rescheduled 't'");
  });

  it('ignores a result on outcomes other than success', () => {
    expect(taskText('started', 't', { currentRetries: 0, totalRetries: 0, result: 'x' })).toBe("Task started 't'");
  });
});
