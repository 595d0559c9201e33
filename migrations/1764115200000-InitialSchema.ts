import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema: reference data, officials, campaigns, tickets with their history,
 * attachments and idempotency keys. Statuses and kinds are persisted strings: never rename.
 */
export class InitialSchema1764115200000 implements MigrationInterface {
  name = 'InitialSchema1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    // Administrative units double as health units: a province's health department, a
    // district's health centre, a ward's health station. `path` is a materialised path
    // ('01/001/00001/') in the C collation, so "all units under Y" is one prefix range scan.
    await q.query(`
      CREATE TABLE units (
        code varchar(5) NOT NULL,
        name text NOT NULL,
        type text NOT NULL,
        level text NOT NULL,
        parent_code varchar(5),
        province_code varchar(2) NOT NULL,
        district_code varchar(3),
        path text COLLATE "C" NOT NULL,
        CONSTRAINT pk_units PRIMARY KEY (code),
        CONSTRAINT fk_units_parent FOREIGN KEY (parent_code) REFERENCES units (code),
        CONSTRAINT ck_units_level CHECK (level IN ('province', 'district', 'ward'))
      )`);
    await q.query(`CREATE INDEX ix_units_parent ON units (parent_code)`);
    await q.query(`CREATE UNIQUE INDEX ux_units_path ON units (path)`);

    await q.query(`
      CREATE TABLE vaccines (
        code text NOT NULL,
        name text NOT NULL,
        manufacturer text NOT NULL,
        doses_in_primary_series smallint NOT NULL,
        CONSTRAINT pk_vaccines PRIMARY KEY (code)
      )`);

    await q.query(`
      CREATE TABLE identity_province_codes (
        cccd_code char(3) NOT NULL,
        province_name text NOT NULL,
        province_code varchar(2) NOT NULL,
        CONSTRAINT pk_identity_province_codes PRIMARY KEY (cccd_code)
      )`);

    await q.query(`
      CREATE TABLE users (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        username text NOT NULL,
        password_hash text NOT NULL,
        full_name text NOT NULL,
        role text NOT NULL,
        unit_code varchar(5),
        email text,
        created_at timestamptz NOT NULL,
        disabled_at timestamptz,
        CONSTRAINT pk_users PRIMARY KEY (id),
        CONSTRAINT fk_users_unit FOREIGN KEY (unit_code) REFERENCES units (code),
        CONSTRAINT ck_users_role CHECK (role IN ('OFFICER', 'SUPERVISOR', 'ADMIN')),
        CONSTRAINT ck_users_unit CHECK (role = 'ADMIN' OR unit_code IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_users_username ON users (lower(username))`);
    await q.query(`CREATE INDEX ix_users_unit_role_active ON users (unit_code, role) WHERE disabled_at IS NULL`);

    await q.query(`
      CREATE TABLE campaigns (
        code text NOT NULL,
        name text NOT NULL,
        intake_from timestamptz NOT NULL,
        intake_to timestamptz NOT NULL,
        cutoff_at timestamptz NOT NULL,
        handling_hours integer NOT NULL,
        due_soon_hours integer NOT NULL DEFAULT 12,
        escalate_after_hours integer NOT NULL DEFAULT 24,
        cutoff_processed_at timestamptz,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_campaigns PRIMARY KEY (code),
        CONSTRAINT ck_campaigns_window CHECK (intake_from < intake_to AND intake_to <= cutoff_at),
        CONSTRAINT ck_campaigns_hours CHECK (handling_hours > 0 AND due_soon_hours >= 0 AND escalate_after_hours >= 0)
      )`);
    await q.query(`CREATE INDEX ix_campaigns_intake ON campaigns (intake_from, intake_to)`);
    // The campaign of official letter 4415/BTTTT-THH: reports of 03–10 Nov 2021, all finished by 12 Nov.
    await q.query(`
      INSERT INTO campaigns (code, name, intake_from, intake_to, cutoff_at, handling_hours, created_at)
      VALUES ('2021-11', 'Rà soát dữ liệu tiêm chủng COVID-19 03–10/11/2021',
              '2021-11-03T00:00:00+07:00', '2021-11-11T00:00:00+07:00', '2021-11-13T00:00:00+07:00', 48,
              '2021-10-31T00:00:00+07:00')`);

    // sla_stage: 0 = DUE_SOON next, 1 = OVERDUE next, 2 = ESCALATED next, 3 = ladder done;
    // sla_next_at is when that stage is due (NULL once closed or done). The sweeper
    // reads only the partial index on it.
    await q.query(`
      CREATE TABLE tickets (
        id bigint GENERATED ALWAYS AS IDENTITY,
        tracking_code text NOT NULL,
        status text NOT NULL,
        issue_type text NOT NULL,
        received_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        overdue_since timestamptz,
        cutoff_missed boolean NOT NULL DEFAULT false,
        campaign_code text,
        unit_code varchar(5) NOT NULL,
        district_code varchar(3),
        province_code varchar(2) NOT NULL,
        citizen_name text NOT NULL,
        citizen_dob date NOT NULL,
        citizen_id_enc bytea NOT NULL,
        citizen_id_hash bytea NOT NULL,
        phone_enc bytea,
        citizen_ward_code varchar(5),
        dose_number smallint,
        vaccine_code text,
        vaccinated_on date,
        dose_ward_code varchar(5),
        facility_name text,
        lot_number text,
        description text,
        resolution text,
        rejection_reason_code text,
        rejection_note text,
        sla_stage smallint NOT NULL DEFAULT 0,
        sla_next_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz,
        CONSTRAINT pk_tickets PRIMARY KEY (id),
        CONSTRAINT fk_tickets_unit FOREIGN KEY (unit_code) REFERENCES units (code),
        CONSTRAINT fk_tickets_campaign FOREIGN KEY (campaign_code) REFERENCES campaigns (code),
        CONSTRAINT ck_tickets_status CHECK (status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED', 'RESOLVED', 'REJECTED')),
        CONSTRAINT ck_tickets_issue_type CHECK (issue_type IN ('MISSING_DOSE', 'WRONG_DOSE_INFO', 'WRONG_PERSONAL_INFO', 'DUPLICATE_RECORD', 'OTHER'))
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_tickets_tracking_code ON tickets (tracking_code)`);
    // One open report per citizen, issue and dose: a second filing gets the first one back.
    await q.query(`
      CREATE UNIQUE INDEX ux_tickets_open_duplicate ON tickets (citizen_id_hash, issue_type, coalesce(dose_number, 0))
      WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`);
    // The officials' queue: open tickets of a unit, a district or a province, most urgent first.
    for (const scope of ['unit', 'district', 'province']) {
      await q.query(`
        CREATE INDEX ix_tickets_open_${scope}_due ON tickets (${scope}_code, due_at, id)
        WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`);
    }
    await q.query(`
      CREATE INDEX ix_tickets_open_due ON tickets (due_at, id)
      WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`);
    await q.query(`CREATE INDEX ix_tickets_unit_status_due ON tickets (unit_code, status, due_at, id)`);
    await q.query(`CREATE INDEX ix_tickets_province_status_due ON tickets (province_code, status, due_at, id)`);
    await q.query(`CREATE INDEX ix_tickets_sla_next ON tickets (sla_next_at) WHERE sla_next_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX ix_tickets_campaign_open ON tickets (campaign_code, province_code)
      WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`);

    await q.query(`
      CREATE TABLE ticket_events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        ticket_id bigint NOT NULL,
        at timestamptz NOT NULL,
        action text NOT NULL,
        actor_user_id uuid,
        actor_username text,
        actor_role text,
        actor_unit_code varchar(5),
        from_status text,
        to_status text,
        from_unit_code varchar(5),
        to_unit_code varchar(5),
        note text,
        is_public boolean NOT NULL DEFAULT false,
        CONSTRAINT pk_ticket_events PRIMARY KEY (id),
        CONSTRAINT fk_ticket_events_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_ticket_events_ticket ON ticket_events (ticket_id, id)`);

    await q.query(`
      CREATE TABLE attachments (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        ticket_id bigint NOT NULL,
        content_type text NOT NULL,
        size integer NOT NULL,
        sha256 bytea NOT NULL,
        storage_key text NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_attachments PRIMARY KEY (id),
        CONSTRAINT fk_attachments_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_attachments_ticket ON attachments (ticket_id)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        key text NOT NULL,
        request_hash bytea NOT NULL,
        status_code smallint NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_idempotency_keys PRIMARY KEY (key)
      )`);
    await q.query(`CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_keys',
      'attachments',
      'ticket_events',
      'tickets',
      'campaigns',
      'users',
      'identity_province_codes',
      'vaccines',
      'units',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
