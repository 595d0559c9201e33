import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { EnvDto, registeredValidationCodes } from '@phananh/core';
// Loads every controller, DTO and lib the API serves, and with them every registration.
import '../api.module';

const ROOT = join(__dirname, '../../../..');

/** The codes class-validator itself produces with VALIDATOR_OPTIONS, whatever the DTO. */
const VALIDATOR_CODES = ['whitelistValidation', 'unknownValue', 'isDefined', 'nestedValidation'];

interface Metadata {
  type: string;
  target: unknown;
  constraintCls?: new () => unknown;
}

/** Every constraint name a loaded DTO can fail with (the configuration's EnvDto is validated apart). */
function dtoConstraintNames(): Map<string, string[]> {
  const storage = getMetadataStorage();
  // class-validator keeps all metadata in one (TypeScript-private) map; reading it finds DTOs not exported too.
  const byTarget = (storage as unknown as { validationMetadatas: Map<unknown, Metadata[]> }).validationMetadatas;
  const names = new Map<string, string[]>();
  for (const [target, metadatas] of byTarget) {
    if (target === EnvDto) continue;
    for (const m of metadatas) {
      const constraints = m.constraintCls ? storage.getTargetValidatorConstraints(m.constraintCls) : [];
      const codes = constraints.length ? constraints.map((c) => c.name || m.type) : [m.type];
      for (const code of codes.filter((c) => c !== 'conditionalValidation')) {
        names.set(code, [...(names.get(code) ?? []), (target as { name: string }).name]);
      }
    }
  }
  return names;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'web') sources(path, out);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      out.push(path);
    }
  }
  return out;
}

/** Codes written out where a message is looked up: validationMessage('X'), .message('X'), fieldError(field, 'X'). */
const LITERAL_CODES = [
  /(?:validationMessage|\.message)\(\s*'(\w+)'/g,
  /fieldError\(\s*(?:'[^']*'|`[^`]*`|[^,()'"`]+),\s*'(\w+)'/g,
];

function literalCodes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [...sources(join(ROOT, 'libs')), ...sources(join(ROOT, 'apps'))]) {
    const text = readFileSync(file, 'utf8');
    for (const m of LITERAL_CODES.flatMap((re) => [...text.matchAll(re)])) {
      found.set(m[1], [...(found.get(m[1]) ?? []), relative(ROOT, file)]);
    }
  }
  return found;
}

const unregistered = (codes: Map<string, string[]>) => {
  const registered = registeredValidationCodes();
  return [...codes].filter(([code]) => !registered.has(code)).map(([code, where]) => `${code} (${where.join(', ')})`);
};

describe('validation codes: every code the API can answer has a registered vi/en message', () => {
  it('covers every constraint of every DTO, and those class-validator adds itself', () => {
    const names = dtoConstraintNames();
    for (const code of VALIDATOR_CODES) names.set(code, [...(names.get(code) ?? []), 'class-validator']);
    // The DTOs were loaded: their own constraints are among the names.
    expect([...names.keys()]).toEqual(expect.arrayContaining(['isString', 'calendarDate', 'isInstantWithOffset']));
    expect(unregistered(names)).toEqual([]);
  });

  it('covers every code written out in the source', () => {
    const codes = literalCodes();
    // The scan sees lookups of each form.
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining(['INTAKE_WINDOW_ORDER', 'ATTACHMENT_TOO_LARGE', 'MULTIPART_INVALID', 'UNIT_UNKNOWN']),
    );
    expect(unregistered(codes)).toEqual([]);
  });
});
