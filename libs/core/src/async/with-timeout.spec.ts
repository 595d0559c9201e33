import { TimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('answers with the promise when it settles in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1_000)).resolves.toBe(42);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000)).rejects.toThrow('refused');
  });

  it('rejects with a TimeoutError carrying the message when the promise hangs, at its time and not before', async () => {
    jest.useFakeTimers();
    try {
      const hanging = new Promise<never>(() => undefined);
      let error: unknown = 'pending';
      const outcome = withTimeout(hanging, 30, 'Redis did not answer').catch((err: unknown) => (error = err));
      await jest.advanceTimersByTimeAsync(29);
      expect(error).toBe('pending');
      await jest.advanceTimersByTimeAsync(1);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toBe('Redis did not answer');
      await outcome;
    } finally {
      jest.useRealTimers();
    }
  });

  it('clears its timer once the promise settles', async () => {
    const spy = jest.spyOn(global, 'clearTimeout');
    await withTimeout(Promise.resolve('done'), 60_000);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });
});
