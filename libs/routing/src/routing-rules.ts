import { IssueType } from '@phananh/ticket-store';
import type { Unit } from '@phananh/reference';

/** What routing knows of a report. */
export interface RoutingInput {
  /** Ward (or island district) where the dose in question was given. */
  doseWardCode?: string | null;
  /** Ward (or island district) where the citizen lives. */
  citizenWardCode?: string | null;
  issueType: IssueType;
}

/** Where a report starts looking for its unit: a lowest-level unit named in the report. */
export type RoutingOrigin = 'doseWard' | 'citizenWard';

/** How one issue type is routed: the origins to try, in order. */
export interface RoutingRule {
  origins: readonly RoutingOrigin[];
}

/**
 * The strategy table: one row per issue type. Today every type goes to the station of
 * the ward where the dose was given, else of the ward of residence; a type that should
 * start elsewhere (e.g. personal data kept by the ward of residence) changes its row.
 */
export const ROUTING_RULES: Readonly<Record<IssueType, RoutingRule>> = {
  [IssueType.MissingDose]: { origins: ['doseWard', 'citizenWard'] },
  [IssueType.WrongDoseInfo]: { origins: ['doseWard', 'citizenWard'] },
  [IssueType.WrongPersonalInfo]: { origins: ['doseWard', 'citizenWard'] },
  [IssueType.DuplicateRecord]: { origins: ['doseWard', 'citizenWard'] },
  [IssueType.Other]: { origins: ['doseWard', 'citizenWard'] },
};

const ORIGIN_CODE: Record<RoutingOrigin, (input: RoutingInput) => string | null | undefined> = {
  doseWard: (i) => i.doseWardCode,
  citizenWard: (i) => i.citizenWardCode,
};

/** The reference lookups routing needs (ReferenceService has them). */
export interface UnitTree {
  unit(code: string): Unit | undefined;
  /** The unit and its ancestors, nearest first. */
  lineage(code: string): Unit[];
}

export class RoutingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingError';
  }
}

/**
 * The unit that must handle a report: the origin unit when it has an active official,
 * else the nearest unit above it that has one (district, then province), else the
 * province, which answers for everything in it.
 */
export function resolveUnit(
  input: RoutingInput,
  tree: UnitTree,
  staffed: ReadonlySet<string>,
  rules: Readonly<Record<string, RoutingRule>> = ROUTING_RULES,
): Unit {
  const rule = rules[input.issueType];
  if (!rule) throw new RoutingError(`No routing rule for issue type ${input.issueType}`);
  const origin = rule.origins.map((o) => ORIGIN_CODE[o](input)).find((code) => code && tree.unit(code));
  if (!origin) throw new RoutingError('The report names no known ward');
  const lineage = tree.lineage(origin);
  return lineage.find((u) => staffed.has(u.code)) ?? lineage[lineage.length - 1];
}
