import { toVnIso } from '@phananh/core';
import type { UnitRef } from '@phananh/reference';
import type { AtRiskUnit, Burndown, Campaign, OnTimeDay } from '@phananh/sla';
import type { AtRiskView, BurndownView, OnTimeByDayView, RoadCampaignView } from './sla.dto';

const iso = (d: Date | null): string | null => (d ? toVnIso(d) : null);

export function campaignView(c: Campaign): RoadCampaignView {
  return { code: c.code, name: c.name, intakeFrom: toVnIso(c.intakeFrom), cutoffAt: toVnIso(c.cutoffAt) };
}

export function burndownView(unit: UnitRef | null, b: Burndown): BurndownView {
  return {
    unit,
    campaign: campaignView(b.campaign),
    stepMinutes: b.stepMinutes,
    now: toVnIso(b.now),
    points: b.points.map((p) => ({ at: toVnIso(p.at), open: p.open, filed: p.filed, closed: p.closed })),
    openNow: b.openNow,
    pacePerHour: b.pacePerHour,
    neededPerHour: b.neededPerHour,
    projectedFinishAt: iso(b.projectedFinishAt),
    onTrack: b.onTrack,
  };
}

export function onTimeView(unit: UnitRef | null, c: Campaign, days: OnTimeDay[]): OnTimeByDayView {
  return { unit, campaign: campaignView(c), days };
}

export function atRiskView(unit: UnitRef | null, c: Campaign, units: AtRiskUnit[]): AtRiskView {
  return {
    unit,
    campaign: campaignView(c),
    units: units.map((u) => ({ ...u, projectedFinishAt: iso(u.projectedFinishAt) })),
  };
}
