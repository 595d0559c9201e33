-- The schema the migrations make (schema public, without TypeORM's migrations table), read
-- from pg_catalog by scripts/read-schema.ts. Written by `npm run schema:snapshot`, compared by
-- test/integration/schema/schema-snapshot.int-spec.ts: do not edit by hand.

CREATE EXTENSION pgcrypto WITH SCHEMA public;

CREATE OR REPLACE FUNCTION public.audit_log_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $function$;

CREATE TABLE alert_events (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  dedupe_key text NOT NULL,
  kind text NOT NULL,
  ticket_id bigint,
  deadline_at timestamp with time zone,
  unit_code character varying(5) NOT NULL,
  campaign_code text,
  summary jsonb,
  occurred_at timestamp with time zone NOT NULL,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT ck_alert_events_kind CHECK ((kind = ANY (ARRAY['DUE_SOON'::text, 'OVERDUE'::text, 'ESCALATED'::text, 'CUTOFF_MISSED'::text]))),
  CONSTRAINT ck_alert_events_ticket CHECK (((kind = 'CUTOFF_MISSED'::text) = (ticket_id IS NULL))),
  CONSTRAINT fk_alert_events_campaign FOREIGN KEY (campaign_code) REFERENCES campaigns(code),
  CONSTRAINT fk_alert_events_ticket FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT fk_alert_events_unit FOREIGN KEY (unit_code) REFERENCES units(code),
  CONSTRAINT pk_alert_events PRIMARY KEY (id),
  CONSTRAINT ux_alert_events_dedupe_key UNIQUE (dedupe_key)
);
CREATE INDEX ix_alert_events_ticket ON public.alert_events USING btree (ticket_id) WHERE (ticket_id IS NOT NULL);

CREATE TABLE alerts (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL,
  recipient_id uuid NOT NULL,
  created_at timestamp with time zone NOT NULL,
  acknowledged_at timestamp with time zone,
  email_status text,
  email_attempts smallint NOT NULL DEFAULT 0,
  email_sent_at timestamp with time zone,
  email_error text,
  CONSTRAINT ck_alerts_email_status CHECK ((email_status = ANY (ARRAY['PENDING'::text, 'SENT'::text, 'SKIPPED'::text, 'FAILED'::text]))),
  CONSTRAINT fk_alerts_event FOREIGN KEY (event_id) REFERENCES alert_events(id) ON DELETE CASCADE,
  CONSTRAINT fk_alerts_recipient FOREIGN KEY (recipient_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT pk_alerts PRIMARY KEY (id),
  CONSTRAINT ux_alerts_event_recipient UNIQUE (event_id, recipient_id)
);
CREATE INDEX ix_alerts_email_pending ON public.alerts USING btree (created_at) WHERE (email_status = 'PENDING'::text);
CREATE INDEX ix_alerts_recipient_created ON public.alerts USING btree (recipient_id, created_at DESC, id DESC);
CREATE INDEX ix_alerts_recipient_unacknowledged ON public.alerts USING btree (recipient_id, created_at DESC, id DESC) WHERE (acknowledged_at IS NULL);

CREATE TABLE attachments (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  ticket_id bigint NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  sha256 bytea,
  storage_key text,
  created_at timestamp with time zone NOT NULL,
  erased_at timestamp with time zone,
  CONSTRAINT ck_attachments_erased CHECK (((erased_at IS NOT NULL) OR ((sha256 IS NOT NULL) AND (storage_key IS NOT NULL)))),
  CONSTRAINT fk_attachments_ticket FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT pk_attachments PRIMARY KEY (id)
);
CREATE INDEX ix_attachments_files_to_remove ON public.attachments USING btree (id) WHERE ((erased_at IS NOT NULL) AND (storage_key IS NOT NULL));
CREATE INDEX ix_attachments_ticket ON public.attachments USING btree (ticket_id);

CREATE TABLE audit_log (
  id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  at timestamp with time zone NOT NULL,
  actor_user_id uuid,
  actor_username text,
  actor_role text,
  actor_unit_code character varying(5),
  action text NOT NULL,
  ticket_codes text[] NOT NULL DEFAULT '{}'::text[],
  subject_user_id uuid,
  subject_username text,
  query jsonb,
  details jsonb,
  client_address inet,
  CONSTRAINT ck_audit_log_action CHECK ((action ~ '^[A-Z][A-Z0-9_]{1,63}$'::text)),
  CONSTRAINT ck_audit_log_actor CHECK ((((actor_user_id IS NULL) AND (actor_username IS NULL) AND (actor_role IS NULL) AND (actor_unit_code IS NULL)) OR ((actor_user_id IS NOT NULL) AND (actor_username IS NOT NULL) AND (actor_role IS NOT NULL)))),
  CONSTRAINT ck_audit_log_details CHECK (((details IS NULL) OR (jsonb_typeof(details) = 'object'::text))),
  CONSTRAINT ck_audit_log_query CHECK (((query IS NULL) OR (jsonb_typeof(query) = 'object'::text))),
  CONSTRAINT ck_audit_log_subject CHECK (((subject_user_id IS NULL) = (subject_username IS NULL))),
  CONSTRAINT pk_audit_log PRIMARY KEY (id)
);
CREATE SEQUENCE audit_log_id_seq AS bigint START 1 INCREMENT 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 OWNED BY audit_log.id;
CREATE INDEX ix_audit_log_action ON public.audit_log USING btree (action, at DESC, id DESC);
CREATE INDEX ix_audit_log_actor ON public.audit_log USING btree (lower(actor_username), at DESC, id DESC) WHERE (actor_username IS NOT NULL);
CREATE INDEX ix_audit_log_actor_unit ON public.audit_log USING btree (actor_unit_code, at DESC, id DESC) WHERE (actor_unit_code IS NOT NULL);
CREATE INDEX ix_audit_log_at ON public.audit_log USING btree (at DESC, id DESC);
CREATE INDEX ix_audit_log_subject ON public.audit_log USING btree (subject_user_id, at DESC, id DESC) WHERE (subject_user_id IS NOT NULL);
CREATE INDEX ix_audit_log_ticket_codes ON public.audit_log USING gin (ticket_codes) WITH (fastupdate=off);
CREATE TRIGGER tr_audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER tr_audit_log_append_only;
CREATE TRIGGER tr_audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER tr_audit_log_no_truncate;

CREATE TABLE auth_sessions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  epoch integer NOT NULL,
  token_hash bytea NOT NULL,
  created_at timestamp with time zone NOT NULL,
  last_used_at timestamp with time zone NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  revoked_at timestamp with time zone,
  revoked_reason text,
  user_agent text,
  CONSTRAINT ck_auth_sessions_user_agent CHECK ((length(user_agent) <= 200)),
  CONSTRAINT fk_auth_sessions_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT pk_auth_sessions PRIMARY KEY (id)
);
CREATE INDEX ix_auth_sessions_user ON public.auth_sessions USING btree (user_id, created_at DESC);

CREATE TABLE campaigns (
  code text NOT NULL,
  name text NOT NULL,
  intake_from timestamp with time zone NOT NULL,
  intake_to timestamp with time zone NOT NULL,
  cutoff_at timestamp with time zone NOT NULL,
  handling_hours integer NOT NULL,
  due_soon_hours integer NOT NULL DEFAULT 12,
  escalate_after_hours integer NOT NULL DEFAULT 24,
  cutoff_processed_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT ck_campaigns_hours CHECK (((handling_hours > 0) AND (due_soon_hours >= 0) AND (escalate_after_hours >= 0))),
  CONSTRAINT ck_campaigns_window CHECK (((intake_from < intake_to) AND (intake_to <= cutoff_at))),
  CONSTRAINT pk_campaigns PRIMARY KEY (code)
);
CREATE INDEX ix_campaigns_intake ON public.campaigns USING btree (intake_from, intake_to);

CREATE TABLE event_webhook_deliveries (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  webhook_id uuid NOT NULL,
  event_id bigint NOT NULL,
  status text NOT NULL DEFAULT 'PENDING'::text,
  round integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  last_status integer,
  last_error text,
  created_at timestamp with time zone NOT NULL,
  last_attempt_at timestamp with time zone,
  delivered_at timestamp with time zone,
  CONSTRAINT ck_event_webhook_deliveries_status CHECK ((status = ANY (ARRAY['PENDING'::text, 'DELIVERED'::text, 'DEAD'::text]))),
  CONSTRAINT fk_event_webhook_deliveries_event FOREIGN KEY (event_id) REFERENCES ticket_events(id) ON DELETE CASCADE,
  CONSTRAINT fk_event_webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES event_webhooks(id) ON DELETE CASCADE,
  CONSTRAINT pk_event_webhook_deliveries PRIMARY KEY (id),
  CONSTRAINT ux_event_webhook_deliveries_webhook_event UNIQUE (webhook_id, event_id)
);
CREATE INDEX ix_event_webhook_deliveries_event ON public.event_webhook_deliveries USING btree (event_id);
CREATE INDEX ix_event_webhook_deliveries_status ON public.event_webhook_deliveries USING btree (status, created_at, id);

CREATE TABLE event_webhooks (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  url text NOT NULL,
  secret_enc bytea NOT NULL,
  events text[] NOT NULL,
  include_personal_data boolean NOT NULL DEFAULT false,
  created_by uuid,
  created_at timestamp with time zone NOT NULL,
  disabled_at timestamp with time zone,
  CONSTRAINT ck_event_webhooks_events CHECK (((cardinality(events) > 0) AND (events <@ ARRAY['FILED'::text, 'ASSIGNED'::text, 'TRANSFERRED'::text, 'DEFERRED'::text, 'RESOLVED'::text, 'REJECTED'::text, 'REOPENED'::text, 'WITHDRAWN'::text, 'MERGED'::text]))),
  CONSTRAINT fk_event_webhooks_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT pk_event_webhooks PRIMARY KEY (id)
);

CREATE TABLE idempotency_keys (
  key text NOT NULL,
  request_hash bytea NOT NULL,
  status_code smallint NOT NULL,
  response jsonb NOT NULL,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT pk_idempotency_keys PRIMARY KEY (key)
);
CREATE INDEX ix_idempotency_keys_created ON public.idempotency_keys USING btree (created_at);

CREATE TABLE identity_province_codes (
  cccd_code character(3) NOT NULL,
  province_name text NOT NULL,
  province_code character varying(2) NOT NULL,
  CONSTRAINT pk_identity_province_codes PRIMARY KEY (cccd_code)
);

CREATE TABLE message_deliveries (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  event_id bigint NOT NULL,
  ticket_id bigint NOT NULL,
  channel text NOT NULL,
  action text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING'::text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamp with time zone NOT NULL,
  last_attempt_at timestamp with time zone,
  sent_at timestamp with time zone,
  CONSTRAINT ck_message_deliveries_channel CHECK ((channel = ANY (ARRAY['SMS'::text, 'EMAIL'::text]))),
  CONSTRAINT ck_message_deliveries_status CHECK ((status = ANY (ARRAY['PENDING'::text, 'SENT'::text, 'SKIPPED'::text, 'DEAD'::text]))),
  CONSTRAINT fk_message_deliveries_ticket FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT pk_message_deliveries PRIMARY KEY (id)
);
CREATE INDEX ix_message_deliveries_pending ON public.message_deliveries USING btree (created_at) WHERE (status = 'PENDING'::text);
CREATE INDEX ix_message_deliveries_ticket ON public.message_deliveries USING btree (ticket_id);
CREATE UNIQUE INDEX ux_message_deliveries_event_channel ON public.message_deliveries USING btree (event_id, channel);

CREATE TABLE message_opt_outs (
  ticket_id bigint NOT NULL,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT fk_message_opt_outs_ticket FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT pk_message_opt_outs PRIMARY KEY (ticket_id)
);

CREATE TABLE open311_api_keys (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  key_hash bytea NOT NULL,
  key_prefix text NOT NULL,
  requests_per_minute integer NOT NULL,
  created_by uuid,
  created_at timestamp with time zone NOT NULL,
  revoked_by uuid,
  revoked_at timestamp with time zone,
  CONSTRAINT ck_open311_api_keys_rate CHECK (((requests_per_minute >= 1) AND (requests_per_minute <= 100000))),
  CONSTRAINT fk_open311_api_keys_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_open311_api_keys_revoked_by FOREIGN KEY (revoked_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT pk_open311_api_keys PRIMARY KEY (id),
  CONSTRAINT ux_open311_api_keys_hash UNIQUE (key_hash)
);
CREATE INDEX ix_open311_api_keys_created ON public.open311_api_keys USING btree (created_at DESC, id DESC);

CREATE TABLE open311_tokens (
  token text NOT NULL,
  ticket_id bigint NOT NULL,
  api_key_id uuid NOT NULL,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT fk_open311_tokens_api_key FOREIGN KEY (api_key_id) REFERENCES open311_api_keys(id),
  CONSTRAINT fk_open311_tokens_ticket FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT pk_open311_tokens PRIMARY KEY (token)
);
CREATE INDEX ix_open311_tokens_api_key ON public.open311_tokens USING btree (api_key_id);
CREATE INDEX ix_open311_tokens_ticket ON public.open311_tokens USING btree (ticket_id);

CREATE TABLE reply_templates (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  unit_code character varying(5) NOT NULL,
  kind text NOT NULL,
  reason_code text,
  title text NOT NULL,
  text_vi text NOT NULL,
  text_en text,
  created_by uuid,
  created_at timestamp with time zone NOT NULL,
  updated_at timestamp with time zone NOT NULL,
  CONSTRAINT ck_reply_templates_kind CHECK ((kind = ANY (ARRAY['RESOLUTION'::text, 'REJECTION'::text]))),
  CONSTRAINT ck_reply_templates_reason CHECK (((kind = 'REJECTION'::text) OR (reason_code IS NULL))),
  CONSTRAINT fk_reply_templates_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_reply_templates_unit FOREIGN KEY (unit_code) REFERENCES units(code),
  CONSTRAINT pk_reply_templates PRIMARY KEY (id)
);
CREATE INDEX ix_reply_templates_unit ON public.reply_templates USING btree (unit_code, kind);

CREATE TABLE resend_code_requests (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  citizen_id_hash bytea NOT NULL,
  phone_hash bytea NOT NULL,
  lang text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamp with time zone NOT NULL,
  CONSTRAINT pk_resend_code_requests PRIMARY KEY (id)
);
CREATE INDEX ix_resend_code_requests_created ON public.resend_code_requests USING btree (created_at);

CREATE TABLE supervisor_digests (
  user_id uuid NOT NULL,
  day date NOT NULL,
  created_at timestamp with time zone NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  claimed_until timestamp with time zone,
  sent_at timestamp with time zone,
  error text,
  CONSTRAINT fk_supervisor_digests_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT pk_supervisor_digests PRIMARY KEY (user_id, day)
);
CREATE INDEX ix_supervisor_digests_unsent ON public.supervisor_digests USING btree (day) WHERE (sent_at IS NULL);

CREATE TABLE ticket_event_outbox (
  event_id bigint NOT NULL,
  CONSTRAINT pk_ticket_event_outbox PRIMARY KEY (event_id)
) WITH (autovacuum_vacuum_scale_factor=0, autovacuum_vacuum_threshold=1000);

CREATE TABLE ticket_events (
  id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  ticket_id bigint NOT NULL,
  at timestamp with time zone NOT NULL,
  action text NOT NULL,
  actor_user_id uuid,
  actor_username text,
  actor_role text,
  actor_unit_code character varying(5),
  from_status text,
  to_status text,
  from_unit_code character varying(5),
  to_unit_code character varying(5),
  note text,
  is_public boolean NOT NULL DEFAULT false,
  from_assignee_id uuid,
  to_assignee_id uuid,
  CONSTRAINT fk_ticket_events_ticket FOREIGN KEY (ticket_id) REFERENCES tickets(id) ON DELETE CASCADE,
  CONSTRAINT pk_ticket_events PRIMARY KEY (id)
);
CREATE SEQUENCE ticket_events_id_seq AS bigint START 1 INCREMENT 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 OWNED BY ticket_events.id;
CREATE INDEX ix_ticket_events_closures ON public.ticket_events USING btree (at, ticket_id) WHERE (action = ANY (ARRAY['RESOLVED'::text, 'REJECTED'::text]));
CREATE INDEX ix_ticket_events_ticket ON public.ticket_events USING btree (ticket_id, id);

CREATE TABLE tickets (
  id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  tracking_code text NOT NULL,
  status text NOT NULL,
  issue_type text NOT NULL,
  received_at timestamp with time zone NOT NULL,
  due_at timestamp with time zone NOT NULL,
  overdue_since timestamp with time zone,
  cutoff_missed boolean NOT NULL DEFAULT false,
  campaign_code text,
  unit_code character varying(5) NOT NULL,
  district_code character varying(3),
  province_code character varying(2) NOT NULL,
  citizen_name text,
  citizen_dob date,
  citizen_id_enc bytea,
  citizen_id_hash bytea,
  phone_enc bytea,
  citizen_ward_code character varying(5),
  dose_number smallint,
  vaccine_code text,
  vaccinated_on date,
  dose_ward_code character varying(5),
  facility_name text,
  lot_number text,
  description text,
  resolution text,
  rejection_reason_code text,
  rejection_note text,
  sla_stage smallint NOT NULL DEFAULT 0,
  sla_next_at timestamp with time zone,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamp with time zone NOT NULL,
  closed_at timestamp with time zone,
  citizen_id_masked text,
  phone_masked text,
  phone_hash bytea,
  duplicate_of bigint,
  merged_into bigint,
  pii_erased_at timestamp with time zone,
  notice_version text NOT NULL,
  email_enc bytea,
  lang text NOT NULL DEFAULT 'vi'::text,
  assignee_id uuid,
  CONSTRAINT ck_tickets_issue_type CHECK ((issue_type = ANY (ARRAY['MISSING_DOSE'::text, 'WRONG_DOSE_INFO'::text, 'WRONG_PERSONAL_INFO'::text, 'DUPLICATE_RECORD'::text, 'OTHER'::text]))),
  CONSTRAINT ck_tickets_lang CHECK ((lang = ANY (ARRAY['vi'::text, 'en'::text]))),
  CONSTRAINT ck_tickets_merged CHECK (((status = 'MERGED'::text) = (merged_into IS NOT NULL))),
  CONSTRAINT ck_tickets_pii_present CHECK (((pii_erased_at IS NOT NULL) OR ((citizen_name IS NOT NULL) AND (citizen_dob IS NOT NULL) AND (citizen_id_enc IS NOT NULL) AND (citizen_id_hash IS NOT NULL)))),
  CONSTRAINT ck_tickets_status CHECK ((status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text, 'RESOLVED'::text, 'REJECTED'::text, 'MERGED'::text, 'WITHDRAWN'::text]))),
  CONSTRAINT fk_tickets_assignee FOREIGN KEY (assignee_id) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_tickets_campaign FOREIGN KEY (campaign_code) REFERENCES campaigns(code),
  CONSTRAINT fk_tickets_duplicate_of FOREIGN KEY (duplicate_of) REFERENCES tickets(id),
  CONSTRAINT fk_tickets_merged_into FOREIGN KEY (merged_into) REFERENCES tickets(id),
  CONSTRAINT fk_tickets_unit FOREIGN KEY (unit_code) REFERENCES units(code),
  CONSTRAINT pk_tickets PRIMARY KEY (id)
);
CREATE SEQUENCE tickets_id_seq AS bigint START 1 INCREMENT 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 OWNED BY tickets.id;
CREATE INDEX ix_tickets_campaign_open ON public.tickets USING btree (campaign_code, province_code) WHERE (status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text]));
CREATE INDEX ix_tickets_campaign_road ON public.tickets USING btree (campaign_code, province_code, district_code, unit_code) INCLUDE (received_at, closed_at, due_at, status) WHERE (campaign_code IS NOT NULL);
CREATE INDEX ix_tickets_duplicate_of ON public.tickets USING btree (duplicate_of) WHERE (duplicate_of IS NOT NULL);
CREATE INDEX ix_tickets_merged_into ON public.tickets USING btree (merged_into) WHERE (merged_into IS NOT NULL);
CREATE INDEX ix_tickets_open_assignee_due ON public.tickets USING btree (assignee_id, due_at, id) WHERE ((status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text])) AND (assignee_id IS NOT NULL));
CREATE INDEX ix_tickets_open_district_due ON public.tickets USING btree (district_code, due_at, id) WHERE (status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text]));
CREATE INDEX ix_tickets_open_due ON public.tickets USING btree (due_at, id) WHERE (status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text]));
CREATE INDEX ix_tickets_open_province_due ON public.tickets USING btree (province_code, due_at, id) WHERE (status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text]));
CREATE INDEX ix_tickets_open_unassigned_unit_due ON public.tickets USING btree (unit_code, due_at, id) WHERE ((status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text])) AND (assignee_id IS NULL));
CREATE INDEX ix_tickets_open_unit_due ON public.tickets USING btree (unit_code, due_at, id) WHERE (status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text]));
CREATE INDEX ix_tickets_pii_retention ON public.tickets USING btree (campaign_code, closed_at) WHERE ((pii_erased_at IS NULL) AND (closed_at IS NOT NULL));
CREATE INDEX ix_tickets_province_status_due ON public.tickets USING btree (province_code, status, due_at, id);
CREATE INDEX ix_tickets_received ON public.tickets USING btree (received_at, id);
CREATE INDEX ix_tickets_sla_next ON public.tickets USING btree (sla_next_at) WHERE (sla_next_at IS NOT NULL);
CREATE INDEX ix_tickets_unit_status_due ON public.tickets USING btree (unit_code, status, due_at, id);
CREATE UNIQUE INDEX ux_tickets_open_duplicate ON public.tickets USING btree (citizen_id_hash, issue_type, COALESCE((dose_number)::integer, 0), phone_hash) WHERE (status = ANY (ARRAY['ASSIGNED'::text, 'IN_PROGRESS'::text, 'DEFERRED'::text]));
CREATE UNIQUE INDEX ux_tickets_tracking_code ON public.tickets USING btree (tracking_code);

CREATE TABLE unit_distribution (
  unit_code character varying(5) NOT NULL,
  enabled boolean NOT NULL,
  next_seq bigint NOT NULL DEFAULT 0,
  updated_at timestamp with time zone NOT NULL,
  updated_by uuid,
  CONSTRAINT fk_unit_distribution_unit FOREIGN KEY (unit_code) REFERENCES units(code),
  CONSTRAINT fk_unit_distribution_updated_by FOREIGN KEY (updated_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT pk_unit_distribution PRIMARY KEY (unit_code)
);

CREATE TABLE units (
  code character varying(5) NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  level text NOT NULL,
  parent_code character varying(5),
  province_code character varying(2) NOT NULL,
  district_code character varying(3),
  path text COLLATE "C" NOT NULL,
  CONSTRAINT ck_units_level CHECK ((level = ANY (ARRAY['province'::text, 'district'::text, 'ward'::text]))),
  CONSTRAINT fk_units_parent FOREIGN KEY (parent_code) REFERENCES units(code),
  CONSTRAINT pk_units PRIMARY KEY (code)
);
CREATE INDEX ix_units_parent ON public.units USING btree (parent_code);
CREATE UNIQUE INDEX ux_units_path ON public.units USING btree (path);

CREATE TABLE user_recovery_codes (
  user_id uuid NOT NULL,
  code_hash bytea NOT NULL,
  used_at timestamp with time zone,
  CONSTRAINT fk_user_recovery_codes_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  CONSTRAINT pk_user_recovery_codes PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE users (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  username text NOT NULL,
  password_hash text NOT NULL,
  full_name text NOT NULL,
  role text NOT NULL,
  unit_code character varying(5),
  email text,
  created_at timestamp with time zone NOT NULL,
  disabled_at timestamp with time zone,
  session_epoch integer NOT NULL DEFAULT 0,
  password_change_required boolean NOT NULL DEFAULT false,
  last_login_at timestamp with time zone,
  totp_enrolled_at timestamp with time zone,
  totp_secret bytea,
  totp_pending_secret bytea,
  totp_last_step bigint NOT NULL DEFAULT 0,
  password_changed_at timestamp with time zone,
  CONSTRAINT ck_users_role CHECK ((role = ANY (ARRAY['OFFICER'::text, 'SUPERVISOR'::text, 'ADMIN'::text]))),
  CONSTRAINT ck_users_unit CHECK (((role = 'ADMIN'::text) OR (unit_code IS NOT NULL))),
  CONSTRAINT fk_users_unit FOREIGN KEY (unit_code) REFERENCES units(code),
  CONSTRAINT pk_users PRIMARY KEY (id)
);
CREATE INDEX ix_users_unit_role_active ON public.users USING btree (unit_code, role) WHERE (disabled_at IS NULL);
CREATE INDEX ix_users_unit_username ON public.users USING btree (unit_code, lower(username));
CREATE UNIQUE INDEX ux_users_username ON public.users USING btree (lower(username));

CREATE TABLE vaccines (
  code text NOT NULL,
  name text NOT NULL,
  manufacturer text NOT NULL,
  doses_in_primary_series smallint NOT NULL,
  CONSTRAINT pk_vaccines PRIMARY KEY (code)
);

CREATE TABLE webhook_deliveries (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  webhook_id uuid NOT NULL,
  event_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'PENDING'::text,
  round integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  last_status integer,
  last_error text,
  created_at timestamp with time zone NOT NULL,
  last_attempt_at timestamp with time zone,
  delivered_at timestamp with time zone,
  CONSTRAINT ck_webhook_deliveries_status CHECK ((status = ANY (ARRAY['PENDING'::text, 'DELIVERED'::text, 'DEAD'::text]))),
  CONSTRAINT fk_webhook_deliveries_event FOREIGN KEY (event_id) REFERENCES alert_events(id) ON DELETE CASCADE,
  CONSTRAINT fk_webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks(id) ON DELETE CASCADE,
  CONSTRAINT pk_webhook_deliveries PRIMARY KEY (id),
  CONSTRAINT ux_webhook_deliveries_webhook_event UNIQUE (webhook_id, event_id)
);
CREATE INDEX ix_webhook_deliveries_status ON public.webhook_deliveries USING btree (status, created_at, id);

CREATE TABLE webhooks (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  url text NOT NULL,
  secret_enc bytea NOT NULL,
  events text[] NOT NULL,
  created_by uuid,
  created_at timestamp with time zone NOT NULL,
  disabled_at timestamp with time zone,
  scope_unit_code character varying(5),
  CONSTRAINT ck_webhooks_events CHECK (((cardinality(events) > 0) AND (events <@ ARRAY['DUE_SOON'::text, 'OVERDUE'::text, 'ESCALATED'::text, 'CUTOFF_MISSED'::text]))),
  CONSTRAINT fk_webhooks_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
  CONSTRAINT fk_webhooks_scope_unit FOREIGN KEY (scope_unit_code) REFERENCES units(code),
  CONSTRAINT pk_webhooks PRIMARY KEY (id)
);
CREATE INDEX ix_webhooks_scope_unit ON public.webhooks USING btree (scope_unit_code);
