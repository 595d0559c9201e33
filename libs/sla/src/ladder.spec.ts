import fc from 'fast-check';
import { HOUR_MS } from '@phananh/core';
import { DeadlinePolicy, SlaStage, advanceLadder, stageInstant } from './deadlines';

const CAMPAIGN_2021: DeadlinePolicy = {
  handlingHours: 48,
  dueSoonHours: 12,
  escalateAfterHours: 24,
  cutoffAt: new Date('2021-11-13T00:00:00+07:00'),
};
const at = (iso: string) => new Date(iso);

describe('the SLA ladder', () => {
  const due = at('2021-11-05T08:00:00+07:00');

  it('honours per-campaign offsets', () => {
    const policy = { ...CAMPAIGN_2021, dueSoonHours: 6, escalateAfterHours: 2 };
    expect(stageInstant(SlaStage.DueSoon, due, policy)).toEqual(at('2021-11-05T02:00:00+07:00'));
    expect(stageInstant(SlaStage.Escalated, due, policy)).toEqual(at('2021-11-05T10:00:00+07:00'));
  });

  it('fires nothing before the first stage', () => {
    expect(advanceLadder(SlaStage.DueSoon, due, CAMPAIGN_2021, at('2021-11-04T19:59:59.999+07:00'))).toEqual({
      fired: [],
      slaStage: SlaStage.DueSoon,
      slaNextAt: at('2021-11-04T20:00:00+07:00'),
    });
  });

  it('fires one stage at a time when the sweep keeps up', () => {
    expect(advanceLadder(SlaStage.DueSoon, due, CAMPAIGN_2021, at('2021-11-04T20:00:00+07:00'))).toEqual({
      fired: [{ stage: SlaStage.DueSoon, at: at('2021-11-04T20:00:00+07:00') }],
      slaStage: SlaStage.Overdue,
      slaNextAt: due,
    });
    expect(advanceLadder(SlaStage.Overdue, due, CAMPAIGN_2021, at('2021-11-05T08:00:00.500+07:00'))).toEqual({
      fired: [{ stage: SlaStage.Overdue, at: due }],
      slaStage: SlaStage.Escalated,
      slaNextAt: at('2021-11-06T08:00:00+07:00'),
    });
    expect(advanceLadder(SlaStage.Escalated, due, CAMPAIGN_2021, at('2021-11-06T09:00:00+07:00'))).toEqual({
      fired: [{ stage: SlaStage.Escalated, at: at('2021-11-06T08:00:00+07:00') }],
      slaStage: SlaStage.Done,
      slaNextAt: null,
    });
    expect(advanceLadder(SlaStage.Done, due, CAMPAIGN_2021, at('2021-12-01T00:00:00+07:00'))).toEqual({
      fired: [],
      slaStage: SlaStage.Done,
      slaNextAt: null,
    });
  });

  it('fires every stage that came due, in order, but steps over a warning that came too late', () => {
    // A ticket reopened a day after the cutoff: its new deadline is the cutoff itself.
    const cutoff = CAMPAIGN_2021.cutoffAt!;
    expect(advanceLadder(SlaStage.DueSoon, cutoff, CAMPAIGN_2021, at('2021-11-14T01:00:00+07:00'))).toEqual({
      fired: [
        { stage: SlaStage.Overdue, at: cutoff },
        { stage: SlaStage.Escalated, at: at('2021-11-14T00:00:00+07:00') },
      ],
      slaStage: SlaStage.Done,
      slaNextAt: null,
    });
  });

  it('still warns when the warning is late but the deadline is ahead', () => {
    const result = advanceLadder(SlaStage.DueSoon, due, CAMPAIGN_2021, at('2021-11-05T07:00:00+07:00'));
    expect(result.fired).toEqual([{ stage: SlaStage.DueSoon, at: at('2021-11-04T20:00:00+07:00') }]);
    expect(result.slaStage).toBe(SlaStage.Overdue);
  });

  it('never fires a stage early or twice, and always stops where the next stage is ahead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -100 * HOUR_MS, max: 100 * HOUR_MS }),
        fc.integer({ min: 0, max: 48 }),
        fc.integer({ min: 0, max: 72 }),
        (stage, offset, dueSoonHours, escalateAfterHours) => {
          const policy = { ...CAMPAIGN_2021, dueSoonHours, escalateAfterHours };
          const now = new Date(due.getTime() + offset);
          const r = advanceLadder(stage, due, policy, now);
          const stages = r.fired.map((f) => f.stage);
          expect(new Set(stages).size).toBe(stages.length);
          expect([...stages].sort()).toEqual(stages);
          for (const f of r.fired) {
            expect(f.stage).toBeGreaterThanOrEqual(stage);
            expect(f.at.getTime()).toBeLessThanOrEqual(now.getTime());
            expect(f.at).toEqual(stageInstant(f.stage, due, policy));
          }
          expect(r.slaStage).toBeGreaterThanOrEqual(stage);
          if (r.slaNextAt) expect(r.slaNextAt.getTime()).toBeGreaterThan(now.getTime());
          else expect(r.slaStage).toBe(SlaStage.Done);
        },
      ),
    );
  });

  it('walking the ladder in many small steps fires the same stages as one big step', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 * HOUR_MS }), { minLength: 1, maxLength: 12 }), (steps) => {
        let now = stageInstant(SlaStage.DueSoon, due, CAMPAIGN_2021)!.getTime() - HOUR_MS;
        let stage = SlaStage.DueSoon;
        const fired: SlaStage[] = [];
        for (const step of steps) {
          now += step;
          const r = advanceLadder(stage, due, CAMPAIGN_2021, new Date(now));
          fired.push(...r.fired.map((f) => f.stage));
          stage = r.slaStage;
        }
        const once = advanceLadder(SlaStage.DueSoon, due, CAMPAIGN_2021, new Date(now)).fired.map((f) => f.stage);
        // Only DUE_SOON may differ: small steps can catch it before the deadline where one big step cannot.
        expect(fired.filter((s) => s !== SlaStage.DueSoon)).toEqual(once.filter((s) => s !== SlaStage.DueSoon));
        expect(fired.filter((s) => s === SlaStage.DueSoon).length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
