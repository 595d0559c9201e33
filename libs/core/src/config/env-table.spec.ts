import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEnvTable } from './env-table';

describe('README configuration table', () => {
  it('matches the validated environment (run `npm run docs:env` after adding a variable)', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    expect(withEnvTable(readme)).toBe(readme);
  });
});
