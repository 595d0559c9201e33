import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, Clock, Lang, Localized, UUID, validationError } from '@phananh/core';
import { AuthUser, Role, unitInReach } from '@phananh/identity';
import { ReferenceService } from '@phananh/reference';
import { rejectionReason } from './rejection-reasons';
import { TicketErrors, TicketValidation } from './tickets.errors';

/** What a template is the note of: a resolution, or a rejection (optionally of one standard reason). */
export enum ReplyTemplateKind {
  Resolution = 'RESOLUTION',
  Rejection = 'REJECTION',
}

export interface ReplyTemplate {
  id: string;
  unitCode: string;
  kind: ReplyTemplateKind;
  /** REJECTION: the standard reason it goes with; null: any reason (and always for RESOLUTION). */
  reasonCode: string | null;
  title: string;
  /** The note in Vietnamese, and in English (null: the Vietnamese is used). */
  text: { vi: string; en: string | null };
  updatedAt: Date;
}

export interface ReplyTemplateInput {
  kind: ReplyTemplateKind;
  reasonCode?: string | null;
  title: string;
  text: { vi: string; en?: string | null };
}

export interface ReplyTemplateFilter {
  /** Only the templates that apply to a ticket of this unit (the unit and the units above it); it must be in reach. */
  unitCode?: string;
  kind?: ReplyTemplateKind;
  /** REJECTION: those of this reason and those of any reason. */
  reasonCode?: string;
}

const SELECT = `rt.id, rt.unit_code AS "unitCode", rt.kind, rt.reason_code AS "reasonCode", rt.title,
  json_build_object('vi', rt.text_vi, 'en', rt.text_en) AS text, rt.updated_at AS "updatedAt"`;

/**
 * Reply templates: the resolution and rejection notes that supervisors keep for their unit
 * (vi/en). A template of a unit is offered to the officials of that unit and of every unit
 * below it; a supervisor manages (creates, changes, deletes) the templates of the units in
 * reach, an admin all. Reads and writes are scoped in the query: a template out of reach is
 * "not found", like an unknown one.
 */
@Injectable()
export class ReplyTemplates {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reference: ReferenceService,
  ) {}

  /**
   * The templates the caller may use: those of the own unit and the units above it, and (a
   * supervisor) those of the units below; an admin all of them. With `unitCode`: those that
   * apply to a ticket of that unit (it and the units above it), if the unit is in reach;
   * none otherwise. Ordered by kind, reason, title.
   */
  async list(user: AuthUser, filter: ReplyTemplateFilter = {}): Promise<(ReplyTemplate & { editable: boolean })[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.unitCode !== undefined) {
      if (!unitInReach(user, filter.unitCode, this.reference)) return [];
      params.push(this.lineage(filter.unitCode));
      where.push(`rt.unit_code = ANY ($${params.length}::text[])`);
    } else {
      const readable = this.readableSql(user, params);
      if (readable === 'FALSE') return [];
      where.push(readable);
    }
    if (filter.kind) where.push(`rt.kind = $${params.push(filter.kind)}`);
    if (filter.reasonCode)
      where.push(`(rt.reason_code IS NULL OR rt.reason_code = $${params.push(filter.reasonCode)})`);
    const rows: ReplyTemplate[] = await this.db.query(
      `SELECT ${SELECT} FROM reply_templates rt WHERE ${where.join(' AND ')}
       ORDER BY rt.kind, rt.reason_code NULLS FIRST, rt.title, rt.id`,
      params,
    );
    return rows.map((r) => ({ ...r, editable: this.manages(user, r.unitCode) }));
  }

  /** Creates a template of `unitCode` (default: the caller's unit), which must be in the caller's reach. */
  async create(user: AuthUser, unitCode: string | undefined, input: ReplyTemplateInput): Promise<ReplyTemplate> {
    const unit = unitCode ?? user.unitCode;
    if (!unit) throw validationError([TicketValidation.fieldError('unitCode', 'isDefined')]);
    if (!this.reference.unit(unit)) throw validationError([TicketValidation.fieldError('unitCode', 'UNIT_UNKNOWN')]);
    if (!this.manages(user, unit)) {
      throw validationError([TicketValidation.fieldError('unitCode', 'TEMPLATE_UNIT_OUTSIDE_REACH')]);
    }
    const reasonCode = checkedReason(input);
    const now = this.clock.now();
    const [row]: ReplyTemplate[] = await this.db.query(
      `INSERT INTO reply_templates (unit_code, kind, reason_code, title, text_vi, text_en, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       RETURNING ${SELECT.replace(/rt\./g, '')}`,
      [unit, input.kind, reasonCode, input.title, input.text.vi, input.text.en || null, user.id, now],
    );
    return row;
  }

  /** Replaces a template's kind, reason, title and texts (its unit stays): 404 when unknown or out of reach. */
  async update(user: AuthUser, id: string, input: ReplyTemplateInput): Promise<ReplyTemplate> {
    await this.managed(user, id);
    const reasonCode = checkedReason(input);
    const rows = await this.db.query(
      `UPDATE reply_templates SET kind = $2, reason_code = $3, title = $4, text_vi = $5, text_en = $6, updated_at = $7
       WHERE id = $1 RETURNING ${SELECT.replace(/rt\./g, '')}`,
      [id, input.kind, reasonCode, input.title, input.text.vi, input.text.en || null, this.clock.now()],
    );
    return updated<ReplyTemplate>(rows)[0];
  }

  /** Deletes a template: 404 when unknown or out of reach. */
  async remove(user: AuthUser, id: string): Promise<void> {
    await this.managed(user, id);
    await this.db.query(`DELETE FROM reply_templates WHERE id = $1`, [id]);
  }

  /**
   * The note of template `id` for an action of `kind` (and `reasonCode`, for a rejection), in
   * `lang` (English falls back to the Vietnamese): a template the caller may use (list), of
   * that kind and reason; otherwise a validation error on `templateId`, the same for an
   * unknown template and one out of reach.
   */
  async noteOf(user: AuthUser, id: string, kind: ReplyTemplateKind, reasonCode: string | null, lang: Lang) {
    const params: unknown[] = [id];
    const readable = this.readableSql(user, params);
    const [row]: ReplyTemplate[] = UUID.test(id)
      ? await this.db.query(`SELECT ${SELECT} FROM reply_templates rt WHERE rt.id = $1 AND ${readable}`, params)
      : [];
    if (!row) throw validationError([TicketValidation.fieldError('templateId', 'TEMPLATE_UNKNOWN')]);
    if (row.kind !== kind) throw validationError([TicketValidation.fieldError('templateId', 'TEMPLATE_WRONG_KIND')]);
    if (row.reasonCode && row.reasonCode !== reasonCode) {
      throw validationError([TicketValidation.fieldError('templateId', 'TEMPLATE_OTHER_REASON')]);
    }
    return localized(row)[lang];
  }

  /**
   * The text of an action given with `templateId` (and no text of its own): the resolution
   * (`field` 'resolution', a RESOLUTION template) or the rejection note ('note', a REJECTION
   * template of any reason or of `reasonCode`), in `lang`.
   */
  async fill(
    user: AuthUser,
    p: { templateId?: string; resolution?: string; note?: string | null; reasonCode?: string },
    field: 'resolution' | 'note',
    lang: Lang,
  ): Promise<string> {
    if (p[field]?.trim()) throw validationError([TicketValidation.fieldError('templateId', 'TEMPLATE_WITH_TEXT')]);
    const kind = field === 'resolution' ? ReplyTemplateKind.Resolution : ReplyTemplateKind.Rejection;
    return this.noteOf(user, p.templateId ?? '', kind, p.reasonCode ?? null, lang);
  }

  /** The template if the caller manages it; 404 otherwise (unknown and out of reach alike). */
  private async managed(user: AuthUser, id: string): Promise<ReplyTemplate> {
    const [row]: ReplyTemplate[] = UUID.test(id)
      ? await this.db.query(`SELECT ${SELECT} FROM reply_templates rt WHERE rt.id = $1`, [id])
      : [];
    if (!row || !this.manages(user, row.unitCode)) throw new AppError(TicketErrors.TEMPLATE_NOT_FOUND);
    return row;
  }

  /** A supervisor manages the templates of the units in reach (the own unit's subtree), an admin all; an officer none. */
  private manages(user: AuthUser, unitCode: string): boolean {
    return user.role !== Role.Officer && unitInReach(user, unitCode, this.reference);
  }

  /** The codes of a unit and of the units above it. */
  private lineage(unitCode: string): string[] {
    return this.reference.lineage(unitCode).map((u) => u.code);
  }

  /**
   * The templates the caller may use, as a predicate on reply_templates `rt`: those of the own
   * unit's lineage, and for a supervisor those of the own subtree too, both as lists of unit
   * codes (ix_reply_templates_unit; a province's subtree is some hundreds of codes); an admin
   * all, anyone else without a unit none.
   */
  private readableSql(user: AuthUser, params: unknown[]): string {
    if (user.role === Role.Admin) return 'TRUE';
    if (!user.unitCode || !this.reference.unit(user.unitCode)) return 'FALSE';
    const codes = this.lineage(user.unitCode);
    if (user.role === Role.Supervisor) codes.push(...this.below(user.unitCode));
    return `rt.unit_code = ANY ($${params.push(codes)}::text[])`;
  }

  /** The codes of the units below `unitCode` (not itself). */
  private below(unitCode: string): string[] {
    const out: string[] = [];
    const walk = (code: string) => {
      for (const child of this.reference.childrenOf(code)) {
        out.push(child.code);
        walk(child.code);
      }
    };
    walk(unitCode);
    return out;
  }
}

function checkedReason(input: ReplyTemplateInput): string | null {
  const code = input.reasonCode ?? null;
  if (code === null) return null;
  if (input.kind !== ReplyTemplateKind.Rejection) {
    throw validationError([TicketValidation.fieldError('reasonCode', 'TEMPLATE_REASON_NOT_REJECTION')]);
  }
  if (!rejectionReason(code)) throw validationError([TicketValidation.fieldError('reasonCode', 'isIn')]);
  return code;
}

function localized(t: ReplyTemplate): Localized {
  return { vi: t.text.vi, en: t.text.en ?? t.text.vi };
}

/** UPDATE … RETURNING through TypeORM's postgres driver answers [rows, rowCount]. */
function updated<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
