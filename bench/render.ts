import { readFileSync, writeFileSync } from 'node:fs';
import { renderReport } from './report';

/** Renders BENCHMARKS.md again from a run's JSON (`node dist/bench/render.js <run.json> <out.md>`). */
const [json, out] = process.argv.slice(2);
writeFileSync(out, renderReport(JSON.parse(readFileSync(json, 'utf8'))));
