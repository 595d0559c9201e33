/** A reporting campaign: its intake window, its cutoff and its ladder offsets. */
export interface Campaign {
  code: string;
  name: string;
  /** Reports received in [intakeFrom, intakeTo) belong to the campaign. */
  intakeFrom: Date;
  intakeTo: Date;
  /** Every report of the campaign must be finished before this instant. */
  cutoffAt: Date;
  handlingHours: number;
  dueSoonHours: number;
  escalateAfterHours: number;
  cutoffProcessedAt: Date | null;
  createdAt: Date;
}

/** The select list producing a Campaign from `campaigns c`. */
export const CAMPAIGN_COLUMNS = `
  c.code, c.name, c.intake_from AS "intakeFrom", c.intake_to AS "intakeTo", c.cutoff_at AS "cutoffAt",
  c.handling_hours AS "handlingHours", c.due_soon_hours AS "dueSoonHours",
  c.escalate_after_hours AS "escalateAfterHours", c.cutoff_processed_at AS "cutoffProcessedAt",
  c.created_at AS "createdAt"`;
