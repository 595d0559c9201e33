import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, Lang, validationError } from '@phananh/core';
import { AuthUser } from '@phananh/identity';
import { NewTicketEvent, TicketStatus, TicketStore } from '@phananh/ticket-store';
import { ReplyTemplates } from './reply-templates';
import { TicketAssignments } from './ticket-assignment';
import { WorkflowAction } from './ticket-transitions';
import { TicketErrors, TicketValidation } from './tickets.errors';
import { ChangeOutcome, TicketChange, TicketsService, WorkflowInput } from './tickets.service';

/** The most tickets one bulk request acts on. */
export const BULK_MAX_ITEMS = 200;

/** One ticket of a bulk request: its tracking code and the version the client saw. */
export interface BulkItem {
  trackingCode: string;
  version: number;
}

/** The parameters of a bulk action: the single action's body, the same for every ticket. */
export interface BulkParams {
  resolution?: string;
  reason?: string;
  reasonCode?: string;
  note?: string | null;
  unitCode?: string;
  /** assign: an active official of each ticket's unit, or null (back to the unit). */
  assigneeId?: string | null;
  /** A reply template whose text is the resolution (resolve) or the note (reject). */
  templateId?: string;
}

/** The services whose single-ticket methods the bulk actions apply. */
export interface BulkServices {
  tickets: TicketsService;
  assignments: TicketAssignments;
}

/** How one bulk action acts: `check` once on the request (nothing is done if it throws), `step` on each ticket. */
export interface BulkAction {
  /** The ticket-independent checks of the parameters, so that a bad request is refused whole (400). */
  check?(services: BulkServices, user: AuthUser, params: BulkParams): void;
  /** The single-ticket service method, on one ticket, inside the bulk's transaction. */
  step(services: BulkServices, change: TicketChange, params: BulkParams): Promise<ChangeOutcome>;
}

/** A bulk action that is a workflow step (`TicketsService.change`), with its parameters checked as the single action checks them. */
const workflow = (input: (p: BulkParams) => Exclude<WorkflowInput, { action: WorkflowAction.Merge }>): BulkAction => ({
  check: ({ tickets }, user, p) => tickets.checkInput(user, input(p)),
  step: ({ tickets }, change, p) => tickets.change(change, input(p)),
});

/**
 * The bulk actions: name → the single-ticket service method it applies to each ticket. Adding
 * an action is one entry here (and its name in the request's enum, which reads this table).
 */
export const BULK_ACTIONS = {
  start: workflow(() => ({ action: WorkflowAction.Start })),
  resolve: workflow((p) => ({ action: WorkflowAction.Resolve, resolution: p.resolution ?? '' })),
  defer: workflow((p) => ({ action: WorkflowAction.Defer, reason: p.reason ?? '' })),
  reject: workflow((p) => ({ action: WorkflowAction.Reject, reasonCode: p.reasonCode ?? '', note: p.note })),
  transfer: workflow((p) => ({ action: WorkflowAction.Transfer, unitCode: p.unitCode ?? '', reason: p.reason ?? '' })),
  assign: {
    check: ({ assignments }, user) => assignments.checkAssigner(user),
    step: ({ assignments }, change, p) => assignments.assignIn(change, p.assigneeId ?? null),
  },
} satisfies Record<string, BulkAction>;

export type BulkActionName = keyof typeof BULK_ACTIONS;
export const BULK_ACTION_NAMES = Object.keys(BULK_ACTIONS) as BulkActionName[];

/** One ticket's outcome, in the order of the request. */
export type BulkItemResult =
  | { trackingCode: string; ok: true; status: TicketStatus; version: number }
  | { trackingCode: string; ok: false; error: AppError };

/**
 * Bulk actions: one request acts on up to BULK_MAX_ITEMS tickets, each on its own, exactly as
 * the single action would (same checks, versioned update, history entry), and answers each
 * ticket's new status and version or its problem. A ticket unknown or out of reach is
 * TICKET_NOT_FOUND, alike; one whose version is no longer the one the client saw is
 * TICKET_CHANGED and is left as it is.
 *
 * All of it is one transaction, each ticket inside a savepoint of its own: a ticket that fails
 * takes back only its own writes, and the whole request costs one commit (one WAL flush,
 * 3.5–20 ms on this disk) instead of one per ticket (docs/performance.md, "Bulk actions").
 * The history entries are appended together at the end, in the same transaction. Tickets are
 * changed in id order, so two bulk requests never wait on each other in a circle.
 */
@Injectable()
export class BulkActions {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tickets: TicketsService,
    private readonly assignments: TicketAssignments,
    private readonly templates: ReplyTemplates,
    private readonly store: TicketStore,
  ) {}

  private get services(): BulkServices {
    return { tickets: this.tickets, assignments: this.assignments };
  }

  async run(
    user: AuthUser,
    name: BulkActionName,
    items: readonly BulkItem[],
    given: BulkParams,
    lang: Lang,
  ): Promise<BulkItemResult[]> {
    const action: BulkAction = BULK_ACTIONS[name];
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.trackingCode)) {
        throw validationError([TicketValidation.fieldError(`items.${i}.trackingCode`, 'BULK_DUPLICATE_ITEM')]);
      }
      seen.add(item.trackingCode);
    });
    const params = await this.withTemplate(user, name, given, lang);
    action.check?.(this.services, user, params);

    const rows = new Map(
      (await this.tickets.findManyInReach(user, [...seen])).map((r) => [r.trackingCode, r] as const),
    );
    const results = new Map<string, BulkItemResult>();
    const todo = items
      .filter((item) => rows.has(item.trackingCode))
      .sort((a, b) => Number(BigInt(rows.get(a.trackingCode)!.id) - BigInt(rows.get(b.trackingCode)!.id)));
    if (todo.length) {
      await this.db.transaction(async (q) => {
        // Every ticket's history entry, appended together at the end (one statement instead of 200).
        const events: NewTicketEvent[] = [];
        await q.query('SAVEPOINT bulk_item');
        for (const item of todo) {
          const row = rows.get(item.trackingCode)!;
          const appended = events.length;
          try {
            const outcome = await action.step(
              this.services,
              { q, user, row, expectedVersion: item.version, events },
              params,
            );
            // Keep this ticket's writes and open the next ticket's savepoint, in one round trip.
            await q.query('RELEASE SAVEPOINT bulk_item; SAVEPOINT bulk_item');
            results.set(item.trackingCode, { trackingCode: item.trackingCode, ok: true, ...outcome });
          } catch (err) {
            // Anything but a refusal (a lost connection, a bug) fails the whole request: nothing is written.
            if (!(err instanceof AppError)) throw err;
            await q.query('ROLLBACK TO SAVEPOINT bulk_item'); // the savepoint stays, for the next ticket
            events.length = appended;
            results.set(item.trackingCode, { trackingCode: item.trackingCode, ok: false, error: err });
          }
        }
        await this.store.appendEvents(q, events);
      });
    }
    return items.map(
      (item) =>
        results.get(item.trackingCode) ?? {
          trackingCode: item.trackingCode,
          ok: false,
          error: new AppError(TicketErrors.TICKET_NOT_FOUND),
        },
    );
  }

  /** The parameters with a reply template's text as the resolution or the rejection note. */
  private async withTemplate(user: AuthUser, name: BulkActionName, p: BulkParams, lang: Lang): Promise<BulkParams> {
    if (p.templateId === undefined) return p;
    if (name === 'resolve') return { ...p, resolution: await this.templates.fill(user, p, 'resolution', lang) };
    if (name === 'reject') return { ...p, note: await this.templates.fill(user, p, 'note', lang) };
    throw validationError([TicketValidation.fieldError('templateId', 'TEMPLATE_WRONG_KIND')]);
  }
}
