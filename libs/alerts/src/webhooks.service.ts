import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  AppError,
  Clock,
  CommonErrors,
  KeysetCursor,
  PiiCrypto,
  toVnIso,
  UUID,
  validationError,
} from '@phananh/core';
import type { JobOutcome } from '@phananh/queue';
import { ReferenceService } from '@phananh/reference';
import { AddressNotAllowedError, assertPublicUrl } from './address-guard';
import { AlertDispatcher } from './alert-dispatcher.service';
import { AlertKind } from './alert-kind';
import { EVENT_COLUMNS, EventRow, webhookBody } from './alert-views';
import { AlertsErrors, AlertsValidation } from './alerts.errors';
import {
  DeliveryRowBase,
  DeliveryStatus,
  DeliveryViewBase,
  attemptSignedPost,
  deliveryViewBase,
  recordDeliverySql,
} from './webhook-delivery';

export interface WebhookView {
  id: string;
  url: string;
  events: AlertKind[];
  /** The unit whose events it receives (its subtree); null: every event (a national admin's). */
  unitCode: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export interface DeliveryView extends DeliveryViewBase {
  kind: AlertKind;
}

interface DeliveryRow extends DeliveryRowBase {
  kind: AlertKind;
}

const iso = (d: Date | null) => (d ? toVnIso(d) : null);
/** The last (created_at, id) seen, oldest first. */
const DELIVERY_CURSOR = new KeysetCursor(['instant', 'uuid']);

const DELIVERY_COLUMNS = `d.id, d.webhook_id, w.url, d.event_id, e.kind, d.status, d.attempts, d.last_status,
  d.last_error, d.created_at, d.last_attempt_at, d.delivered_at`;

const deliveryView = (r: DeliveryRow): DeliveryView => ({ ...deliveryViewBase(r), kind: r.kind });

/**
 * Webhooks: registered by admins, one delivery per event (not per recipient), the raw body
 * signed with HMAC-SHA256, retried with exponential back-off in real time; after the last
 * attempt the delivery is kept as DEAD for an admin to inspect and retry.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    private readonly pii: PiiCrypto,
    private readonly reference: ReferenceService,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  /**
   * Registers a webhook for the admin's reach: `admin.unitCode` null (a national admin) receives
   * every event, a provincial admin's webhook only the events of its province (scope_unit_code).
   */
  async register(
    input: { url: string; secret: string; events: AlertKind[] },
    admin: { id: string; unitCode: string | null },
  ): Promise<WebhookView> {
    const url = new URL(input.url);
    try {
      await assertPublicUrl(url, this.config.WEBHOOK_ALLOW_PRIVATE);
    } catch (err) {
      if (!(err instanceof AddressNotAllowedError)) throw err;
      const code = err.reason === 'private' ? 'webhookAddressNotAllowed' : 'webhookHostUnresolvable';
      throw validationError([AlertsValidation.fieldError('url', code)]);
    }
    const [row] = await this.db.query(
      `INSERT INTO webhooks (url, secret_enc, events, created_by, created_at, scope_unit_code)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, url, events, created_at, disabled_at, scope_unit_code`,
      [
        url.toString(),
        this.pii.encrypt(input.secret),
        [...new Set(input.events)],
        admin.id,
        this.clock.now(),
        admin.unitCode,
      ],
    );
    return webhookView(row);
  }

  /**
   * The webhooks an admin whose unit is `scopeUnit` administers (null: a national admin, all of
   * them): those registered for a unit of its subtree. A national webhook is outside every provincial reach.
   */
  private scopeSql(scopeUnit: string | null, params: unknown[]): string {
    if (scopeUnit === null) return 'TRUE';
    const unit = this.reference.unit(scopeUnit);
    if (!unit) return 'FALSE';
    params.push(unit.code);
    const column = unit.level === 'ward' ? 'code' : `${unit.level}_code`;
    return `w.scope_unit_code IN (SELECT code FROM units WHERE ${column} = $${params.length})`;
  }

  async list(scopeUnit: string | null = null): Promise<WebhookView[]> {
    const params: unknown[] = [];
    const rows = await this.db.query(
      `SELECT w.id, w.url, w.events, w.created_at, w.disabled_at, w.scope_unit_code FROM webhooks w
       WHERE ${this.scopeSql(scopeUnit, params)} ORDER BY w.created_at, w.id`,
      params,
    );
    return rows.map(webhookView);
  }

  async deliveries(options: {
    status?: DeliveryStatus;
    limit: number;
    cursor?: string;
    /** The admin's unit (null: national): only deliveries of the webhooks in that reach. */
    scopeUnit?: string | null;
  }): Promise<{
    items: DeliveryView[];
    nextCursor: string | null;
  }> {
    const params: unknown[] = [options.limit + 1];
    const where: string[] = [this.scopeSql(options.scopeUnit ?? null, params)];
    if (options.status) {
      params.push(options.status);
      where.push(`d.status = $${params.length}`);
    }
    if (options.cursor) {
      params.push(...DELIVERY_CURSOR.decode(options.cursor));
      where.push(`(d.created_at, d.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS}
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN alert_events e ON e.id = d.event_id
       WHERE ${where.join(' AND ')}
       ORDER BY d.created_at, d.id
       LIMIT $1`,
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

  /**
   * Puts a dead delivery back in line with a fresh round of attempts (and a fresh job id). A
   * delivery of a webhook outside the admin's reach (`scopeUnit`) is 404, as one that does not exist.
   */
  async retry(deliveryId: string, scopeUnit: string | null = null): Promise<DeliveryView> {
    if (!UUID.test(deliveryId)) throw new AppError(CommonErrors.NOT_FOUND);
    const { view, round } = await this.db.transaction(async (m) => {
      const params: unknown[] = [deliveryId];
      const [current]: { status: DeliveryStatus }[] = await m.query(
        `SELECT d.status FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.id = $1 AND ${this.scopeSql(scopeUnit, params)} FOR UPDATE OF d`,
        params,
      );
      if (!current) throw new AppError(CommonErrors.NOT_FOUND);
      if (current.status !== 'DEAD') throw new AppError(AlertsErrors.DELIVERY_NOT_DEAD);
      // An UPDATE answers [rows, count] through TypeORM.
      const [[{ round }]]: [{ round: number }[], number] = await m.query(
        `UPDATE webhook_deliveries SET status = 'PENDING', round = round + 1, attempts = 0
         WHERE id = $1 RETURNING round`,
        [deliveryId],
      );
      const [row]: DeliveryRow[] = await m.query(
        `SELECT ${DELIVERY_COLUMNS}
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN alert_events e ON e.id = d.event_id
         WHERE d.id = $1`,
        [deliveryId],
      );
      return { view: deliveryView(row), round };
    });
    await this.dispatcher.dispatch({ emailAlertIds: [], deliveries: [{ id: deliveryId, round }] });
    return view;
  }

  /** One attempt of one delivery. PostgreSQL counts the attempts and decides when the delivery is dead. */
  async deliver(deliveryId: string, round: number): Promise<JobOutcome> {
    const now = this.clock.now();
    const [row]: (EventRow & { url: string; secret_enc: Buffer; attempts: number; disabled_at: Date | null })[] =
      await this.db.query(
        `WITH claimed AS (
           UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $3
           WHERE id = $1 AND round = $2 AND status = 'PENDING'
           RETURNING webhook_id, event_id, attempts
         )
         SELECT c.attempts, w.url, w.secret_enc, w.disabled_at, ${EVENT_COLUMNS}
         FROM claimed c
         JOIN webhooks w ON w.id = c.webhook_id
         JOIN alert_events e ON e.id = c.event_id
         LEFT JOIN tickets t ON t.id = e.ticket_id`,
        [deliveryId, round, now],
      );
    if (!row) return 'skipped';
    if (row.disabled_at) {
      await this.record(deliveryId, 'DEAD', null, 'webhook disabled');
      return 'skipped';
    }
    const body = JSON.stringify(webhookBody(this.reference, row));
    return attemptSignedPost(
      {
        url: row.url,
        secret: this.pii.decrypt(row.secret_enc),
        body,
        headers: { 'X-Delivery-Id': deliveryId, 'X-Delivery-Attempt': String(row.attempts), 'X-Event-Kind': row.kind },
        attempts: row.attempts,
      },
      this.config,
      (status, httpStatus, error) => this.record(deliveryId, status, httpStatus, error),
    );
  }

  private async record(id: string, status: DeliveryStatus, httpStatus: number | null, error: string | null) {
    await this.db.query(recordDeliverySql('webhook_deliveries'), [id, status, httpStatus, error, this.clock.now()]);
  }
}

function webhookView(r: {
  id: string;
  url: string;
  events: AlertKind[];
  created_at: Date;
  disabled_at: Date | null;
  scope_unit_code: string | null;
}): WebhookView {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    unitCode: r.scope_unit_code,
    createdAt: toVnIso(r.created_at),
    disabledAt: iso(r.disabled_at),
  };
}
