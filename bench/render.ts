import { readFileSync, writeFileSync } from 'node:fs';
import { renderReport, withExports } from './report';

/** Renders BENCHMARKS.md again from a run's JSON (`node dist/bench/render.js <run.json> <out.md>`). */
const [json, out] = process.argv.slice(2);
writeFileSync(out, renderReport(withExports(JSON.parse(readFileSync(json, 'utf8')))));
