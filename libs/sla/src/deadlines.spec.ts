import { DataSource } from 'typeorm';
import { HOUR_MS } from '@phananh/core';
import { Campaign } from './campaign';
import { CampaignsService } from './campaigns.service';
import { DEFAULT_POLICY, SlaStage, computeDueAt, freshSlaState, stageInstant } from './deadlines';

const at = (iso: string, deltaMs = 0) => new Date(new Date(iso).getTime() + deltaMs);
const iso = (d: Date) => d.toISOString();

const INTAKE_FROM = '2021-11-03T00:00:00+07:00';
const INTAKE_TO = '2021-11-11T00:00:00+07:00';
const CUTOFF = '2021-11-13T00:00:00+07:00';

/** The 2021 campaign as the initial migration seeds it. */
function campaign2021(): Campaign {
  return {
    code: '2021-11',
    name: '2021',
    intakeFrom: at(INTAKE_FROM),
    intakeTo: at(INTAKE_TO),
    cutoffAt: at(CUTOFF),
    handlingHours: 48,
    dueSoonHours: 12,
    escalateAfterHours: 24,
    cutoffProcessedAt: null,
    createdAt: at('2021-10-31T00:00:00+07:00'),
  };
}

/** CampaignsService over a hand-written data source: the campaign lookup intake does before computeDueAt. */
function campaigns(): CampaignsService {
  const list = [campaign2021()];
  const db = { query: async () => list } as unknown as DataSource;
  return new CampaignsService(db);
}

/** What intake does: the campaign of the instant, then the deadline under its policy. */
async function dueFor(receivedAt: Date): Promise<{ campaign: string | null; dueAt: string }> {
  const service = campaigns();
  const campaign = await service.campaignAt(receivedAt);
  return { campaign: campaign?.code ?? null, dueAt: iso(computeDueAt(receivedAt, service.policyOf(campaign))) };
}

describe('computeDueAt', () => {
  const policy = campaigns().policyOf(campaign2021());

  it('is receivedAt + 48 hours inside the campaign, well before the cutoff', () => {
    expect(iso(computeDueAt(at('2021-11-03T08:00:00+07:00'), policy))).toBe(iso(at('2021-11-05T08:00:00+07:00')));
  });

  it('is capped by the cutoff exactly when receivedAt + 48 h would pass it, to the millisecond', () => {
    const lastUncapped = at(CUTOFF, -48 * HOUR_MS);
    expect(iso(computeDueAt(at(iso(lastUncapped), -1), policy))).toBe(iso(at(CUTOFF, -1)));
    expect(iso(computeDueAt(lastUncapped, policy))).toBe(iso(at(CUTOFF)));
    expect(iso(computeDueAt(at(iso(lastUncapped), 1), policy))).toBe(iso(at(CUTOFF)));
    expect(iso(computeDueAt(at('2021-11-12T20:00:00+07:00'), policy))).toBe(iso(at(CUTOFF)));
  });

  it('is never later than the cutoff, even for an instant after it', () => {
    expect(iso(computeDueAt(at(CUTOFF, 1), policy))).toBe(iso(at(CUTOFF)));
  });

  it('is 48 hours without a cap outside any campaign', () => {
    expect(iso(computeDueAt(at('2022-03-01T10:00:00+07:00'), DEFAULT_POLICY))).toBe(
      iso(at('2022-03-03T10:00:00+07:00')),
    );
  });

  it('follows the handling time of the policy', () => {
    expect(iso(computeDueAt(at(INTAKE_FROM), { ...policy, handlingHours: 24 }))).toBe(
      iso(at('2021-11-04T00:00:00+07:00')),
    );
  });

  describe('with the 2021 campaign window (intake [03 Nov 00:00, 11 Nov 00:00), cutoff 13 Nov 00:00)', () => {
    it.each([
      ['1 ms before intake opens', at(INTAKE_FROM, -1), false, at(INTAKE_FROM, 48 * HOUR_MS - 1)],
      ['the instant intake opens', at(INTAKE_FROM), true, at('2021-11-05T00:00:00+07:00')],
      ['1 ms after intake opens', at(INTAKE_FROM, 1), true, at('2021-11-05T00:00:00+07:00', 1)],
      ['1 ms before intake closes', at(INTAKE_TO, -1), true, at(CUTOFF, -1)],
      ['the instant intake closes (not included)', at(INTAKE_TO), false, at(CUTOFF)],
      ['1 ms after intake closes', at(INTAKE_TO, 1), false, at(CUTOFF, 1)],
      ['1 ms before the cutoff', at(CUTOFF, -1), false, at(CUTOFF, 48 * HOUR_MS - 1)],
      ['the cutoff instant', at(CUTOFF), false, at(CUTOFF, 48 * HOUR_MS)],
      ['1 ms after the cutoff', at(CUTOFF, 1), false, at(CUTOFF, 48 * HOUR_MS + 1)],
    ])('%s', async (_label, receivedAt, inCampaign, expected) => {
      const { campaign, dueAt } = await dueFor(receivedAt);
      expect(campaign).toBe(inCampaign ? '2021-11' : null);
      expect(dueAt).toBe(iso(expected));
    });

    it('never gives a campaign report a deadline after the cutoff', async () => {
      for (let t = at(INTAKE_FROM).getTime(); t < at(INTAKE_TO).getTime(); t += 997 * 60_000) {
        const { dueAt } = await dueFor(new Date(t));
        expect(Date.parse(dueAt)).toBeLessThanOrEqual(at(CUTOFF).getTime());
        expect(Date.parse(dueAt)).toBe(Math.min(t + 48 * HOUR_MS, at(CUTOFF).getTime()));
      }
    });
  });
});

describe('the SLA ladder of a fresh deadline', () => {
  const policy = campaigns().policyOf(campaign2021());
  const dueAt = at('2021-11-05T08:00:00+07:00');

  it('starts at DUE_SOON, 12 hours before dueAt', () => {
    expect(freshSlaState(dueAt, policy)).toEqual({
      slaStage: SlaStage.DueSoon,
      slaNextAt: at('2021-11-04T20:00:00+07:00'),
    });
  });

  it('puts OVERDUE at dueAt and ESCALATED 24 hours later, then nothing', () => {
    expect(stageInstant(SlaStage.Overdue, dueAt, policy)).toEqual(dueAt);
    expect(stageInstant(SlaStage.Escalated, dueAt, policy)).toEqual(at('2021-11-06T08:00:00+07:00'));
    expect(stageInstant(SlaStage.Done, dueAt, policy)).toBeNull();
  });
});
