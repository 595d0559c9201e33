import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AppConfig,
  AppError,
  Clock,
  CommonErrors,
  KeysetCursor,
  PiiCrypto,
  toVnIso,
  validationError,
} from '@phananh/core';
import { AuditAction, AuditActor, AuditLog } from '@phananh/audit';
import { JobName, JobOutcome, QueueService } from '@phananh/queue';
import { ReferenceService } from '@phananh/reference';
import { RelayedTicketEvent, TicketAction } from '@phananh/ticket-store';
import { AddressNotAllowedError, assertPublicUrl } from './address-guard';
import { AlertsErrors, AlertsValidation } from './alerts.errors';
import { deliveryRetries } from './alert-dispatcher.service';
import {
  DeliveryRowBase,
  DeliveryStatus,
  DeliveryViewBase,
  attemptSignedPost,
  deliveryViewBase,
  recordDeliverySql,
} from './webhook-delivery';

/** The ticket events a lifecycle webhook can subscribe to (the TicketAction of each). */
export const LIFECYCLE_EVENTS = [
  TicketAction.Filed,
  TicketAction.Assigned,
  TicketAction.Transferred,
  TicketAction.Deferred,
  TicketAction.Resolved,
  TicketAction.Rejected,
  TicketAction.Reopened,
  TicketAction.Withdrawn,
  TicketAction.Merged,
] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];
const SUBSCRIBABLE: ReadonlySet<string> = new Set(LIFECYCLE_EVENTS);

/** CloudEvents `type` of a ticket event: `vn.phananh.ticket.resolved`, … */
export const cloudEventType = (action: string) => `vn.phananh.ticket.${action.toLowerCase()}`;
/** CloudEvents `source` of every ticket event. */
export const CLOUD_EVENT_SOURCE = 'urn:phananh:tickets';
export const CLOUD_EVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export const eventWebhookJobId = (deliveryId: string, round: number) => `event-webhook-${deliveryId}-${round}`;
const REPAIR_BATCH = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | null) => (d ? toVnIso(d) : null);
const DELIVERY_CURSOR = new KeysetCursor(['instant', 'uuid']);

export interface EventWebhookView {
  id: string;
  url: string;
  events: LifecycleEvent[];
  includePersonalData: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface EventDeliveryView extends DeliveryViewBase {
  type: string;
}

/** A CloudEvents 1.0 event in structured mode (the whole event is the JSON body). */
export interface TicketCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  /** The ticket, by its Open311 service_request_id (never the tracking code: that is personal-data mode only). */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: {
    serviceRequestId: string;
    action: string;
    issueType: string;
    fromStatus: string | null;
    toStatus: string | null;
    fromUnit: { code: string; name: string } | null;
    toUnit: { code: string; name: string } | null;
    actorRole: string | null;
    /** The ticket's unit now (the agency_responsible of Open311). */
    unit: { code: string; name: string } | null;
    /** The ticket's deadline now. */
    dueAt: string;
    /** Only for a subscription an admin flagged (include_personal_data); null once erased by retention. */
    personalData?: {
      trackingCode: string;
      citizenId: string | null;
      dose: {
        doseNumber: number | null;
        vaccineCode: string | null;
        vaccinatedOn: string | null;
        wardCode: string | null;
        facilityName: string | null;
        lotNumber: string | null;
      } | null;
    };
  };
}

interface WebhookRow {
  id: string;
  url: string;
  events: LifecycleEvent[];
  include_personal_data: boolean;
  created_at: Date;
  disabled_at: Date | null;
}

interface DeliveryRow extends DeliveryRowBase {
  action: string;
}

/** One claimed attempt: the subscription, the event, its ticket (personal columns read only when flagged). */
interface AttemptRow {
  attempts: number;
  url: string;
  secret_enc: Buffer;
  disabled_at: Date | null;
  include_personal_data: boolean;
  event_id: string;
  at: Date;
  action: string;
  from_status: string | null;
  to_status: string | null;
  from_unit_code: string | null;
  to_unit_code: string | null;
  actor_role: string | null;
  ticket_id: string;
  issue_type: string;
  unit_code: string;
  due_at: Date;
  tracking_code: string | null;
  citizen_id_enc: Buffer | null;
  dose_number: number | null;
  vaccine_code: string | null;
  vaccinated_on: string | null;
  dose_ward_code: string | null;
  facility_name: string | null;
  lot_number: string | null;
}

const WEBHOOK_COLUMNS = 'id, url, events, include_personal_data, created_at, disabled_at';
const DELIVERY_COLUMNS = `d.id, d.webhook_id, w.url, d.event_id::text AS event_id, e.action, d.status, d.attempts,
  d.last_status, d.last_error, d.created_at, d.last_attempt_at, d.delivered_at`;
const DELIVERY_FROM = `event_webhook_deliveries d JOIN event_webhooks w ON w.id = d.webhook_id
  JOIN ticket_events e ON e.id = d.event_id`;

const webhookView = (r: WebhookRow): EventWebhookView => ({
  id: r.id,
  url: r.url,
  events: r.events,
  includePersonalData: r.include_personal_data,
  createdAt: toVnIso(r.created_at),
  disabledAt: iso(r.disabled_at),
});

const deliveryView = (r: DeliveryRow): EventDeliveryView => ({
  ...deliveryViewBase(r),
  type: cloudEventType(r.action),
});

/**
 * Lifecycle webhooks: other systems (the vaccination record platform) subscribe to ticket
 * events and receive each as a CloudEvents 1.0 structured JSON POST, signed, retried and kept
 * as DEAD like the alert webhooks (webhook-delivery.ts, the same attempt and back-off). The
 * relay's `event-webhooks` sink (event-webhook.sink.ts) writes the deliveries. Personal data
 * (identity number, dose data, tracking code) is sent only to a subscription an admin flagged,
 * read at each attempt, so clearing the flag stops it for deliveries still pending too.
 */
@Injectable()
export class EventWebhooksService {
  private readonly logger = new Logger(EventWebhooksService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    private readonly pii: PiiCrypto,
    private readonly reference: ReferenceService,
    private readonly queues: QueueService,
    private readonly audit: AuditLog,
  ) {}

  async register(
    input: { url: string; secret: string; events: LifecycleEvent[] },
    adminId: string,
  ): Promise<EventWebhookView> {
    const url = new URL(input.url);
    try {
      await assertPublicUrl(url, this.config.WEBHOOK_ALLOW_PRIVATE);
    } catch (err) {
      if (!(err instanceof AddressNotAllowedError)) throw err;
      const code = err.reason === 'private' ? 'webhookAddressNotAllowed' : 'webhookHostUnresolvable';
      throw validationError([AlertsValidation.fieldError('url', code)]);
    }
    const [row]: WebhookRow[] = await this.db.query(
      `INSERT INTO event_webhooks (url, secret_enc, events, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${WEBHOOK_COLUMNS}`,
      [url.toString(), this.pii.encrypt(input.secret), [...new Set(input.events)], adminId, this.clock.now()],
    );
    return webhookView(row);
  }

  async list(): Promise<EventWebhookView[]> {
    const rows: WebhookRow[] = await this.db.query(
      `SELECT ${WEBHOOK_COLUMNS} FROM event_webhooks ORDER BY created_at, id`,
    );
    return rows.map(webhookView);
  }

  /** Sets or clears a subscription's personal-data flag; each change is audited in the same transaction. */
  async setPersonalData(
    id: string,
    include: boolean,
    by: { actor: AuditActor; clientAddress: string | null },
  ): Promise<EventWebhookView> {
    if (!UUID.test(id)) throw new AppError(CommonErrors.NOT_FOUND);
    return this.db.transaction(async (m) => {
      const [before]: WebhookRow[] = await m.query(
        `SELECT ${WEBHOOK_COLUMNS} FROM event_webhooks WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!before) throw new AppError(CommonErrors.NOT_FOUND);
      if (before.include_personal_data === include) return webhookView(before);
      const [[row]]: [WebhookRow[], number] = await m.query(
        `UPDATE event_webhooks SET include_personal_data = $2 WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
        [id, include],
      );
      await this.audit.record(
        {
          action: AuditAction.EventWebhookPersonalData,
          actor: by.actor,
          details: { webhookId: id, url: row.url, from: before.include_personal_data, to: include },
          clientAddress: by.clientAddress,
        },
        m,
      );
      return webhookView(row);
    });
  }

  async deliveries(options: { status?: DeliveryStatus; limit: number; cursor?: string }): Promise<{
    items: EventDeliveryView[];
    nextCursor: string | null;
  }> {
    const params: unknown[] = [options.limit + 1];
    const where: string[] = [];
    if (options.status) {
      params.push(options.status);
      where.push(`d.status = $${params.length}`);
    }
    if (options.cursor) {
      params.push(...DELIVERY_CURSOR.decode(options.cursor));
      where.push(`(d.created_at, d.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY d.created_at, d.id LIMIT $1`,
      params,
    );
    const more = rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map(deliveryView),
      nextCursor: more ? DELIVERY_CURSOR.encode([last.created_at, last.id]) : null,
    };
  }

  /** Puts a dead delivery back in line with a fresh round of attempts (and a fresh job id). */
  async retry(deliveryId: string): Promise<EventDeliveryView> {
    if (!UUID.test(deliveryId)) throw new AppError(CommonErrors.NOT_FOUND);
    const { view, round } = await this.db.transaction(async (m) => {
      const [current]: { status: DeliveryStatus }[] = await m.query(
        `SELECT status FROM event_webhook_deliveries WHERE id = $1 FOR UPDATE`,
        [deliveryId],
      );
      if (!current) throw new AppError(CommonErrors.NOT_FOUND);
      if (current.status !== 'DEAD') throw new AppError(AlertsErrors.DELIVERY_NOT_DEAD);
      const [[{ round }]]: [{ round: number }[], number] = await m.query(
        `UPDATE event_webhook_deliveries SET status = 'PENDING', round = round + 1, attempts = 0
         WHERE id = $1 RETURNING round`,
        [deliveryId],
      );
      const [row]: DeliveryRow[] = await m.query(`SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERY_FROM} WHERE d.id = $1`, [
        deliveryId,
      ]);
      return { view: deliveryView(row), round };
    });
    await this.enqueue([{ id: deliveryId, round }]);
    return view;
  }

  /**
   * The relay sink's part, inside the relay's transaction `m`: one PENDING delivery per
   * (active subscription, subscribed event), unique on (webhook, event) so a batch relayed
   * twice writes nothing twice. Answers the new deliveries, for enqueueing after the commit.
   */
  async recordDeliveries(
    events: readonly RelayedTicketEvent[],
    m: EntityManager,
  ): Promise<{ id: string; round: number }[]> {
    const wanted = events.filter((e) => SUBSCRIBABLE.has(e.action));
    if (!wanted.length) return [];
    return m.query(
      `INSERT INTO event_webhook_deliveries (webhook_id, event_id, created_at)
       SELECT w.id, e.id, $3
       FROM unnest($1::bigint[], $2::text[]) AS e (id, action)
       JOIN event_webhooks w ON e.action = ANY (w.events) AND w.disabled_at IS NULL
       ORDER BY e.id, w.id
       ON CONFLICT (webhook_id, event_id) DO NOTHING
       RETURNING id, round`,
      [wanted.map((e) => e.id), wanted.map((e) => e.action), this.clock.now()],
    );
  }

  /** One job per delivery, with a deterministic id (enqueueing twice is harmless); Redis down: repair catches up. */
  async enqueue(deliveries: readonly { id: string; round: number }[]): Promise<void> {
    try {
      await this.queues.enqueueMany(
        JobName.EventWebhookDeliver,
        deliveries.map(({ id, round }) => ({
          data: { deliveryId: id, round },
          options: {
            jobId: eventWebhookJobId(id, round),
            ...deliveryRetries(this.config, this.config.WEBHOOK_ATTEMPTS),
          },
        })),
      );
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not enqueue event deliveries; repair will retry');
    }
  }

  /** Re-enqueues what is still PENDING in PostgreSQL (after a Redis loss); answers how many. */
  async repair(): Promise<number> {
    const pending: { id: string; round: number }[] = await this.db.query(
      `SELECT id, round FROM event_webhook_deliveries WHERE status = 'PENDING' ORDER BY created_at, id LIMIT $1`,
      [REPAIR_BATCH],
    );
    if (pending.length) await this.enqueue(pending);
    return pending.length;
  }

  /** One attempt of one delivery. PostgreSQL counts the attempts and decides when the delivery is dead. */
  async deliver(deliveryId: string, round: number): Promise<JobOutcome> {
    const [row]: AttemptRow[] = await this.db.query(
      `WITH claimed AS (
         UPDATE event_webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $3
         WHERE id = $1 AND round = $2 AND status = 'PENDING'
         RETURNING webhook_id, event_id, attempts
       )
       SELECT c.attempts, w.url, w.secret_enc, w.disabled_at, w.include_personal_data,
              e.id::text AS event_id, e.at, e.action, e.from_status, e.to_status, e.from_unit_code, e.to_unit_code,
              e.actor_role, t.id::text AS ticket_id, t.issue_type, t.unit_code, t.due_at,
              CASE WHEN w.include_personal_data THEN t.tracking_code END AS tracking_code,
              CASE WHEN w.include_personal_data THEN t.citizen_id_enc END AS citizen_id_enc,
              t.dose_number, t.vaccine_code, t.vaccinated_on::text AS vaccinated_on, t.dose_ward_code,
              CASE WHEN w.include_personal_data THEN t.facility_name END AS facility_name,
              CASE WHEN w.include_personal_data THEN t.lot_number END AS lot_number
       FROM claimed c
       JOIN event_webhooks w ON w.id = c.webhook_id
       JOIN ticket_events e ON e.id = c.event_id
       JOIN tickets t ON t.id = e.ticket_id`,
      [deliveryId, round, this.clock.now()],
    );
    if (!row) return 'skipped';
    const record = (status: DeliveryStatus, httpStatus: number | null, error: string | null) =>
      this.db
        .query(recordDeliverySql('event_webhook_deliveries'), [deliveryId, status, httpStatus, error, this.clock.now()])
        .then(() => undefined);
    if (row.disabled_at) {
      await record('DEAD', null, 'webhook disabled');
      return 'skipped';
    }
    const body = JSON.stringify(this.cloudEvent(row));
    return attemptSignedPost(
      {
        url: row.url,
        secret: this.pii.decrypt(row.secret_enc),
        body,
        headers: {
          'Content-Type': CLOUD_EVENTS_CONTENT_TYPE,
          'X-Delivery-Id': deliveryId,
          'X-Delivery-Attempt': String(row.attempts),
        },
        attempts: row.attempts,
      },
      this.config,
      record,
    );
  }

  /** The CloudEvent of a ticket event; the personal part only when the subscription is flagged. */
  cloudEvent(row: AttemptRow): TicketCloudEvent {
    const unit = (code: string | null) => (code ? this.reference.unitRef(code) : null);
    const ref = (code: string | null) => {
      const u = unit(code);
      return u ? { code: u.code, name: u.name } : null;
    };
    const event: TicketCloudEvent = {
      specversion: '1.0',
      id: `ticket-event-${row.event_id}`,
      source: CLOUD_EVENT_SOURCE,
      type: cloudEventType(row.action),
      subject: row.ticket_id,
      time: toVnIso(row.at),
      datacontenttype: 'application/json',
      data: {
        serviceRequestId: row.ticket_id,
        action: row.action,
        issueType: row.issue_type,
        fromStatus: row.from_status,
        toStatus: row.to_status,
        fromUnit: ref(row.from_unit_code),
        toUnit: ref(row.to_unit_code),
        actorRole: row.actor_role,
        unit: ref(row.unit_code),
        dueAt: toVnIso(row.due_at),
      },
    };
    if (row.include_personal_data && row.tracking_code) {
      event.data.personalData = {
        trackingCode: row.tracking_code,
        citizenId: row.citizen_id_enc ? this.pii.decrypt(row.citizen_id_enc) : null,
        dose:
          row.dose_number === null
            ? null
            : {
                doseNumber: row.dose_number,
                vaccineCode: row.vaccine_code,
                vaccinatedOn: row.vaccinated_on,
                wardCode: row.dose_ward_code,
                facilityName: row.facility_name,
                lotNumber: row.lot_number,
              },
      };
    }
    return event;
  }
}
