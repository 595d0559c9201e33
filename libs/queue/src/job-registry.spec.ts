import { JobName } from './job-catalogue';
import { assertComplete } from './job-registry';

const all = () => new Map<string, string[]>(Object.values(JobName).map((n) => [n, [`H.${n}`]]));

describe('assertComplete', () => {
  it('accepts exactly one handler per job', () => {
    expect(() => assertComplete(all())).not.toThrow();
  });

  it('refuses a job without a handler', () => {
    const found = all();
    found.delete(JobName.Cleanup);
    expect(() => assertComplete(found)).toThrow(`job ${JobName.Cleanup} has no handler`);
  });

  it('refuses a job with two handlers', () => {
    const found = all();
    found.set(JobName.Cleanup, ['A.run', 'B.run']);
    expect(() => assertComplete(found)).toThrow('has 2 handlers (A.run, B.run)');
  });

  it('refuses a handler for a job the catalogue does not know', () => {
    const found = all();
    found.set('made-up', ['X.y']);
    expect(() => assertComplete(found)).toThrow('handler for unknown job made-up');
  });
});
