import { TimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('answers with the promise when it settles in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1_000)).resolves.toBe(42);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000)).rejects.toThrow('refused');
  });

  it('rejects with a TimeoutError carrying the message when the promise hangs', async () => {
    const hanging = new Promise<never>(() => undefined);
    const started = performance.now();
    const outcome = withTimeout(hanging, 30, 'Redis did not answer');
    await expect(outcome).rejects.toBeInstanceOf(TimeoutError);
    await expect(outcome).rejects.toThrow('Redis did not answer');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('clears its timer once the promise settles', async () => {
    const spy = jest.spyOn(global, 'clearTimeout');
    await withTimeout(Promise.resolve('done'), 60_000);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });
});
