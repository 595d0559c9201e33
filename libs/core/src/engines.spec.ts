import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';

/**
 * The runtime dependencies on the Node that runs the tests (README.md, "Node.js versions").
 * It lives in libs/core because jest.config.js's unit project matches only apps/ and libs/.
 */
const ROOT = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};
const run = promisify(execFile);

// semver comes with the dev tools (hoisted to node_modules/semver), not as a dependency of ours:
// if an upgrade takes it away, this file fails to load, loudly.
const semver = createRequire(__filename)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

/**
 * Installed runtime packages whose declared `engines.node` leaves out a Node we still run
 * the tests on, each with the range it declares. Each was checked by hand: it loads here
 * (tested below), and the whole suite passes on that Node. A package that is new to the
 * list, or declares another range, fails this test until someone checks it the same way.
 * On a Node inside package.json's engines no package is left out and the list goes unused.
 */
const ENGINE_EXCEPTIONS: Readonly<Record<string, string>> = {
  // Needed only by @nestjs/common's FileTypeValidator, which lazy-imports it; we do not use that
  // validator (attachments are sniffed in libs/reports/src/attachments/file-type.ts). ESM-only:
  // Node 20.19+ loads it through require(esm).
  'file-type': '>=22',
  // The logger of every process (libs/platform), on every request: it loads here, and every
  // e2e suite logs through it on Node 20.20.
  'nestjs-pino': '>=22.12.0',
  // @fastify/static's Content-Disposition for downloads it serves (the pages never ask for one);
  // ESM-only, loaded through require(esm) on Node 20.19+ (and transformed for Jest, jest.config.js).
  'content-disposition': '>=22',
  // light-my-request's, for fastify.inject(), which the service never calls (tests use supertest).
  cookie: '>=22',
};

/**
 * Loads a package by name in a fresh `node` (require, then dynamic import for an ES module
 * that require cannot load) from `cwd`, so that it resolves as its dependants resolve it.
 */
const LOADER = `
const name = process.argv[1];
try {
  require(name);
} catch (e) {
  if (!['ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE', 'ERR_PACKAGE_PATH_NOT_EXPORTED'].includes(e.code)) throw e;
  import(name).catch((err) => { console.error(err); process.exitCode = 1; });
}`;

async function loads(name: string, cwd: string): Promise<void> {
  try {
    await run(process.execPath, ['-e', LOADER, name], { cwd, timeout: 60_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${name} does not load on Node ${process.version}:\n${(err.stderr ?? err.message).slice(-2000)}`);
  }
}

interface Installed {
  name: string;
  version: string;
  range: string | undefined;
  /** The directory its dependants resolve it from (the parent of its node_modules). */
  resolvedFrom: string;
}

/** Every installed runtime package (production dependencies, transitively), as npm sees the tree. */
async function runtimePackages(): Promise<Installed[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (e) {
    // npm ls exits 1 on a tree problem (e.g. an extraneous package) but still lists the tree.
    stdout = (e as { stdout?: string }).stdout ?? '';
  }
  const marker = `${sep}node_modules${sep}`;
  const dirs = [...new Set(stdout.split('\n').filter(Boolean))].filter((dir) => dir.includes(marker));
  expect(dirs.length).toBeGreaterThan(Object.keys(pkg.dependencies).length);
  return dirs.map((dir) => {
    const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      engines?: { node?: string };
    };
    return {
      name: p.name,
      version: p.version,
      range: p.engines?.node,
      resolvedFrom: dir.slice(0, dir.lastIndexOf(marker)),
    };
  });
}

describe(`runtime dependencies on Node ${process.version}`, () => {
  let installed: Installed[];
  beforeAll(async () => {
    installed = await runtimePackages();
  }, 60_000);

  const excluded = () =>
    installed.filter((p) => p.range !== undefined && !semver.satisfies(process.versions.node, p.range));

  it.each(Object.keys(pkg.dependencies))('%s loads in a child node process', (name) => loads(name, ROOT), 70_000);

  it('every runtime package whose engines.node excludes this Node is in ENGINE_EXCEPTIONS, with its range', () => {
    const unchecked = excluded()
      .filter((p) => ENGINE_EXCEPTIONS[p.name] !== p.range)
      .map((p) => `${p.name}@${p.version} declares engines.node "${p.range}"`);
    expect(unchecked).toEqual([]);
  });

  it('every excluded package loads here all the same, from where its dependants resolve it', async () => {
    for (const p of excluded()) await loads(p.name, p.resolvedFrom);
  }, 120_000);

  it('ENGINE_EXCEPTIONS names only installed runtime packages', () => {
    const names = new Set(installed.map((p) => p.name));
    expect(Object.keys(ENGINE_EXCEPTIONS).filter((name) => !names.has(name))).toEqual([]);
  });

  it("package.json engines admits no Node that a runtime package's engines.node leaves out", () => {
    // The lowest version of each alternative of the range (^22.13.0 → 22.13.0) must suit every package.
    const floors = pkg.engines.node.split('||').map((alternative) => semver.minVersion(alternative.trim())!.version);
    const refused = floors.flatMap((v) =>
      installed
        .filter((p) => p.range !== undefined && !semver.satisfies(v, p.range))
        .map((p) => `Node ${v}: ${p.name}@${p.version} declares "${p.range}"`),
    );
    expect(refused).toEqual([]);
  });
});
