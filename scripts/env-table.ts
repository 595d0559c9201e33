import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEnvTable } from '../libs/core/src/config/env-table';

/** `npm run docs:env`: rewrites the README's configuration table from EnvDto. */
const readme = join(__dirname, '../../README.md');
writeFileSync(readme, withEnvTable(readFileSync(readme, 'utf8')));
