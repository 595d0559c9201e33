/** The rungs of the SLA ladder, and the campaign cutoff; persisted values (alert_events.kind, webhooks.events), never rename. */
export enum AlertKind {
  DueSoon = 'DUE_SOON',
  Overdue = 'OVERDUE',
  Escalated = 'ESCALATED',
  CutoffMissed = 'CUTOFF_MISSED',
}

export const ALERT_KINDS: readonly AlertKind[] = Object.values(AlertKind);
