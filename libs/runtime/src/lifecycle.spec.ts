import { silentLogger } from '@cfy/logging';
import { ServiceLifecycle } from './lifecycle';

describe('service lifecycle', () => {
  it('runs shutdown phases in order: stop intake, drain, flush, close', async () => {
    const lifecycle = new ServiceLifecycle(silentLogger);
    const order: string[] = [];
    lifecycle.onShutdown('close', 'connection', () => void order.push('close'));
    lifecycle.onShutdown('flush', 'sink', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('flush');
    });
    lifecycle.onShutdown('stop-intake', 'server', () => void order.push('stop-intake'));
    lifecycle.onShutdown('drain', 'consumer', () => void order.push('drain'));
    lifecycle.markRunning();
    const report = await lifecycle.shutdown('SIGTERM');
    expect(order).toEqual(['stop-intake', 'drain', 'flush', 'close']);
    expect(report).toEqual({ state: 'stopped', failures: [] });
  });

  it('stops accepting work as soon as shutdown starts', () => {
    const lifecycle = new ServiceLifecycle(silentLogger);
    lifecycle.markRunning();
    expect(lifecycle.accepting).toBe(true);
    void lifecycle.shutdown('test');
    expect(lifecycle.accepting).toBe(false);
    expect(lifecycle.state).toBe('stopping');
  });

  it('keeps going past a failing or stuck hook, and reports both', async () => {
    const lifecycle = new ServiceLifecycle(silentLogger);
    const closed: string[] = [];
    lifecycle.onShutdown('drain', 'stuck', () => new Promise(() => undefined), 20);
    lifecycle.onShutdown('flush', 'broken', () => {
      throw new Error('disk full');
    });
    lifecycle.onShutdown('close', 'connection', () => void closed.push('connection'));
    const report = await lifecycle.shutdown('SIGTERM');
    expect(closed).toEqual(['connection']);
    expect(report).toEqual({ state: 'failed', failures: ['drain/stuck', 'flush/broken'] });
    expect(lifecycle.state).toBe('failed');
  });

  it('is idempotent: a second shutdown runs no hook again', async () => {
    const lifecycle = new ServiceLifecycle(silentLogger);
    let runs = 0;
    lifecycle.onShutdown('close', 'counter', () => void (runs += 1));
    const [first, second] = await Promise.all([lifecycle.shutdown('a'), lifecycle.shutdown('b')]);
    expect(first).toBe(second);
    expect(runs).toBe(1);
  });
});
