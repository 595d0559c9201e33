import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '@phananh/core';
import { AlertKind } from './alert-kind';

/** One alert event to record: a rung of a ticket's ladder, or a province's cutoff summary. */
export interface NewAlertEvent {
  kind: AlertKind;
  /** Unique per occurrence: `<kind>-<ticketId>-<deadlineEpochMs>` or `CUTOFF_MISSED-<campaign>-<province>`. */
  dedupeKey: string;
  ticketId: string | null;
  deadlineAt: Date | null;
  /** The ticket's assigned unit when the stage fired; the province for CUTOFF_MISSED. */
  unitCode: string;
  campaignCode: string | null;
  summary: unknown;
  /** When the stage was due (not when the sweep noticed). */
  occurredAt: Date;
}

/** What a recording created, to be handed to the channels once the transaction has committed. */
export interface RecordedAlerts {
  events: number;
  alerts: number;
  /** Alerts whose e-mail is still to be sent. */
  emailAlertIds: string[];
  deliveries: { id: string; round: number }[];
}

export const emptyRecorded = (): RecordedAlerts => ({ events: 0, alerts: 0, emailAlertIds: [], deliveries: [] });

export function addRecorded(into: RecordedAlerts, more: RecordedAlerts): RecordedAlerts {
  into.events += more.events;
  into.alerts += more.alerts;
  into.emailAlertIds.push(...more.emailAlertIds);
  into.deliveries.push(...more.deliveries);
  return into;
}

export const ticketAlertKey = (kind: AlertKind, ticketId: string, deadline: Date) =>
  `${kind}-${ticketId}-${deadline.getTime()}`;
export const cutoffAlertKey = (campaignCode: string, provinceCode: string) =>
  `${AlertKind.CutoffMissed}-${campaignCode}-${provinceCode}`;

/**
 * Who receives each kind (docs/api.md, "Alerts"), as equi-joins on the users' partial index
 * (unit_code, role) WHERE disabled_at IS NULL or their primary key, so a batch of a thousand
 * events stays cheap. DUE_SOON goes to the ticket's assignee when it has an active one still
 * in the ticket's unit, else to the unit's officers.
 */
const RECIPIENTS_SQL = `
  SELECT ev.id AS event_id, a.id AS user_id, a.email
  FROM events ev
  JOIN tickets t ON t.id = ev.ticket_id
  JOIN users a ON a.id = t.assignee_id AND a.unit_code = ev.unit_code AND a.disabled_at IS NULL
  WHERE ev.kind = 'DUE_SOON'
  UNION ALL
  SELECT ev.id AS event_id, u.id AS user_id, u.email
  FROM events ev
  JOIN users u ON u.unit_code = ev.unit_code AND u.role = 'OFFICER' AND u.disabled_at IS NULL
  WHERE ev.kind = 'DUE_SOON' AND NOT EXISTS (
    SELECT 1 FROM tickets t JOIN users a ON a.id = t.assignee_id
    WHERE t.id = ev.ticket_id AND a.unit_code = ev.unit_code AND a.disabled_at IS NULL)
  UNION ALL
  SELECT ev.id, u.id, u.email
  FROM events ev
  JOIN units un ON un.code = ev.unit_code
  JOIN users u ON u.unit_code IN (un.code, un.parent_code) AND u.role = 'SUPERVISOR' AND u.disabled_at IS NULL
  WHERE ev.kind = 'OVERDUE'
  UNION ALL
  SELECT ev.id, u.id, u.email
  FROM events ev
  JOIN units un ON un.code = ev.unit_code
  JOIN users u ON u.unit_code = un.province_code AND u.role = 'SUPERVISOR' AND u.disabled_at IS NULL
  WHERE ev.kind IN ('ESCALATED', 'CUTOFF_MISSED')`;

/**
 * Records alert events, one alert per recipient and one webhook delivery per subscribed
 * webhook, in one statement inside the caller's transaction. Every insert is ON CONFLICT
 * DO NOTHING on a unique key, so however many workers record the same occurrence, each
 * recipient gets it once. An event that already exists still gets alerts for recipients
 * it lacks (e.g. a ladder re-walked after a transfer reaches the new unit's people).
 */
@Injectable()
export class AlertWriter {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  async record(manager: EntityManager, events: NewAlertEvent[], now: Date): Promise<RecordedAlerts> {
    if (events.length === 0) return emptyRecorded();
    const input = events.map((e) => ({
      dedupe_key: e.dedupeKey,
      kind: e.kind,
      ticket_id: e.ticketId,
      deadline_at: e.deadlineAt?.toISOString() ?? null,
      unit_code: e.unitCode,
      campaign_code: e.campaignCode,
      summary: e.summary ?? null,
      occurred_at: e.occurredAt.toISOString(),
    }));
    const [row] = await manager.query(
      `
      WITH input AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
          dedupe_key text, kind text, ticket_id bigint, deadline_at timestamptz, unit_code varchar(5),
          campaign_code text, summary jsonb, occurred_at timestamptz)
      ), inserted AS (
        INSERT INTO alert_events (dedupe_key, kind, ticket_id, deadline_at, unit_code, campaign_code, summary,
                                  occurred_at, created_at)
        SELECT dedupe_key, kind, ticket_id, deadline_at, unit_code, campaign_code, summary, occurred_at, $2
        FROM input
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id, kind, unit_code, ticket_id
      ), events AS (
        SELECT id, kind, unit_code, ticket_id FROM inserted
        UNION ALL
        SELECT e.id, e.kind, e.unit_code, e.ticket_id FROM alert_events e JOIN input i ON i.dedupe_key = e.dedupe_key
      ), recipients AS (${RECIPIENTS_SQL}
      ), new_alerts AS (
        INSERT INTO alerts (event_id, recipient_id, created_at, email_status)
        SELECT event_id, user_id, $2,
               CASE WHEN $3::boolean AND coalesce(email, '') <> '' THEN 'PENDING' END
        FROM recipients
        ON CONFLICT (event_id, recipient_id) DO NOTHING
        RETURNING id, email_status
      ), new_deliveries AS (
        INSERT INTO webhook_deliveries (webhook_id, event_id, created_at)
        SELECT w.id, ev.id, $2
        FROM events ev
        JOIN units eu ON eu.code = ev.unit_code
        -- A provincial admin's webhook receives its province's events only (scope_unit_code's subtree).
        JOIN webhooks w ON w.disabled_at IS NULL AND ev.kind = ANY (w.events)
          AND (w.scope_unit_code IS NULL OR w.scope_unit_code IN (eu.code, eu.district_code, eu.province_code))
        ON CONFLICT (webhook_id, event_id) DO NOTHING
        RETURNING id, round
      )
      SELECT (SELECT count(*)::int FROM inserted) AS events,
             (SELECT count(*)::int FROM new_alerts) AS alerts,
             (SELECT coalesce(json_agg(id), '[]') FROM new_alerts WHERE email_status = 'PENDING') AS emails,
             (SELECT coalesce(json_agg(json_build_object('id', id, 'round', round)), '[]') FROM new_deliveries)
               AS deliveries`,
      [JSON.stringify(input), now, Boolean(this.config.SMTP_URL)],
    );
    return { events: row.events, alerts: row.alerts, emailAlertIds: row.emails, deliveries: row.deliveries };
  }
}
