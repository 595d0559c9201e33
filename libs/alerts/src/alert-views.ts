import { toVnIso } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { AlertKind } from './alert-kind';

/** An event row joined to its ticket (if any), as the views need it. */
export interface EventRow {
  event_id: string;
  kind: AlertKind;
  unit_code: string;
  campaign_code: string | null;
  summary: unknown;
  occurred_at: Date;
  deadline_at: Date | null;
  tracking_code: string | null;
  ticket_status: string | null;
}

export interface AlertRow extends EventRow {
  id: string;
  created_at: Date;
  acknowledged_at: Date | null;
}

/** The columns EventRow needs, for `FROM alert_events e LEFT JOIN tickets t ON t.id = e.ticket_id`. */
export const EVENT_COLUMNS = `e.id AS event_id, e.kind, e.unit_code, e.campaign_code, e.summary, e.occurred_at,
  e.deadline_at, t.tracking_code, t.status AS ticket_status`;

export interface UnitRef {
  code: string;
  name: string;
}

export interface TicketRef {
  trackingCode: string;
  /** The deadline this alert is about (a reopened ticket may have a later one since). */
  dueAt: string;
  /** The ticket's status now. */
  status: string;
}

/** An alert as GET /api/v1/alerts shows it (docs/api.md, "Alerts"). */
export interface AlertView {
  id: string;
  kind: AlertKind;
  createdAt: string;
  acknowledgedAt: string | null;
  unit: UnitRef;
  ticket: TicketRef | null;
  campaign: string | null;
  summary: unknown;
}

/** A webhook body (docs/api.md, "Webhooks"): the event, once, whoever its recipients are. */
export interface WebhookBody {
  id: string;
  kind: AlertKind;
  occurredAt: string;
  unit: UnitRef;
  ticket: TicketRef | null;
  campaign: string | null;
  summary: unknown;
}

/** Alerts and webhook bodies name a unit by code and name only (CONTRACT.md). */
export function unitRef(reference: ReferenceService, code: string): UnitRef {
  return { code, name: reference.unitRef(code).name };
}

function ticketRef(row: EventRow): TicketRef | null {
  if (!row.tracking_code) return null;
  return { trackingCode: row.tracking_code, dueAt: toVnIso(row.deadline_at!), status: row.ticket_status! };
}

export function alertView(reference: ReferenceService, row: AlertRow): AlertView {
  return {
    id: row.id,
    kind: row.kind,
    createdAt: toVnIso(row.created_at),
    acknowledgedAt: row.acknowledged_at ? toVnIso(row.acknowledged_at) : null,
    unit: unitRef(reference, row.unit_code),
    ticket: ticketRef(row),
    campaign: row.campaign_code,
    summary: row.summary ?? null,
  };
}

export function webhookBody(reference: ReferenceService, row: EventRow): WebhookBody {
  return {
    id: row.event_id,
    kind: row.kind,
    occurredAt: toVnIso(row.occurred_at),
    unit: unitRef(reference, row.unit_code),
    ticket: ticketRef(row),
    campaign: row.campaign_code,
    summary: row.summary ?? null,
  };
}
