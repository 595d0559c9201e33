import { HOUR_MS } from '@phananh/core';

/** What the deadline rules need of a campaign (or of "no campaign"). */
export interface DeadlinePolicy {
  handlingHours: number;
  dueSoonHours: number;
  escalateAfterHours: number;
  cutoffAt: Date | null;
}

/** Outside any campaign: 48 hours, no cutoff, the contract's default ladder. */
export const DEFAULT_POLICY: DeadlinePolicy = {
  handlingHours: 48,
  dueSoonHours: 12,
  escalateAfterHours: 24,
  cutoffAt: null,
};

/**
 * dueAt = from + handling time, never later than the campaign's cutoff: a ticket reopened
 * on 12 Nov at 10:00 is due at the cutoff (13 Nov 00:00), not on 14 Nov at 10:00.
 */
export function computeDueAt(from: Date, policy: DeadlinePolicy): Date {
  const due = from.getTime() + policy.handlingHours * HOUR_MS;
  return new Date(policy.cutoffAt ? Math.min(due, policy.cutoffAt.getTime()) : due);
}

/** Ladder stages, in order; stored as tickets.sla_stage. */
export enum SlaStage {
  DueSoon = 0,
  Overdue = 1,
  Escalated = 2,
  Done = 3,
}

/** The instant a stage fires for a ticket due at `dueAt`; null once the ladder is done. */
export function stageInstant(stage: SlaStage, dueAt: Date, policy: DeadlinePolicy): Date | null {
  switch (stage) {
    case SlaStage.DueSoon:
      return new Date(dueAt.getTime() - policy.dueSoonHours * HOUR_MS);
    case SlaStage.Overdue:
      // Overdue once due_at <= now: the one definition (libs/ticket-store/src/overdue.ts).
      return dueAt;
    case SlaStage.Escalated:
      return new Date(dueAt.getTime() + policy.escalateAfterHours * HOUR_MS);
    default:
      return null;
  }
}

/** The SLA columns of a ticket that has just got a (new) deadline: the ladder starts again. */
export function freshSlaState(dueAt: Date, policy: DeadlinePolicy): { slaStage: SlaStage; slaNextAt: Date } {
  return { slaStage: SlaStage.DueSoon, slaNextAt: stageInstant(SlaStage.DueSoon, dueAt, policy)! };
}

/** A ladder stage that has come due: which one, and the instant it was due. */
export interface DueStage {
  stage: SlaStage.DueSoon | SlaStage.Overdue | SlaStage.Escalated;
  at: Date;
}

/**
 * Walks the ladder from `stage` up to `now`: the stages that have come due, in order, and
 * where the ladder then stands. Several may be due at once (a sweep that ran late, a ticket
 * reopened past the cutoff); each fires. A DUE_SOON whose deadline has already passed is
 * stepped over without firing: the OVERDUE alert says more, to the people who must act.
 */
export function advanceLadder(
  stage: SlaStage,
  dueAt: Date,
  policy: DeadlinePolicy,
  now: Date,
): { fired: DueStage[]; slaStage: SlaStage; slaNextAt: Date | null } {
  const fired: DueStage[] = [];
  let current = stage;
  for (;;) {
    const at = stageInstant(current, dueAt, policy);
    if (!at || at.getTime() > now.getTime()) return { fired, slaStage: current, slaNextAt: at };
    if (current !== SlaStage.DueSoon || dueAt.getTime() > now.getTime()) {
      fired.push({ stage: current as DueStage['stage'], at });
    }
    current = current + 1;
  }
}
