import type { DataSource } from 'typeorm';
import { PiiCrypto } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { IssueType, TicketListRow, TicketRow, TicketStatus } from '@phananh/ticket-store';
import { TicketViews } from './ticket-views';
import type { DuplicateRow } from './possible-duplicates';

describe('TicketViews', () => {
  const pii = new PiiCrypto('11'.repeat(32));
  // Never loaded: no unit is known, which these views do not need.
  const reference = new ReferenceService({} as DataSource);
  const row = (over: Partial<TicketRow>): TicketRow => ({
    id: '1',
    trackingCode: '7KQM-X4HT-9PR',
    status: TicketStatus.Assigned,
    issueType: IssueType.MissingDose,
    receivedAt: new Date('2021-11-05T01:00:00Z'),
    dueAt: new Date('2021-11-07T01:00:00Z'),
    overdueSince: null,
    cutoffMissed: false,
    campaignCode: '2021-11',
    unitCode: '00001',
    districtCode: '001',
    provinceCode: '01',
    citizenName: 'Nguyễn Văn An',
    citizenDob: '1990-05-17',
    citizenIdEnc: pii.encrypt('001090012345'),
    phoneEnc: pii.encrypt('+84912345678'),
    citizenIdMasked: null,
    phoneMasked: null,
    citizenWardCode: '00001',
    doseNumber: null,
    vaccineCode: null,
    vaccinatedOn: null,
    doseWardCode: null,
    facilityName: null,
    lotNumber: null,
    description: null,
    version: 1,
    piiErasedAt: null,
    assigneeId: null,
    assigneeUsername: null,
    assigneeFullName: null,
    ...over,
  });

  it('lists the masked values stored at intake without decrypting anything', () => {
    const decrypt = jest.spyOn(pii, 'decrypt');
    const views = new TicketViews(pii, reference);
    const view = views.view(row({ citizenIdMasked: '001******345', phoneMasked: '+8491****678' }), false);
    expect(view.citizen).toMatchObject({ citizenId: '001******345', phone: '+8491****678' });
    expect(decrypt).not.toHaveBeenCalled();
    decrypt.mockRestore();
  });

  it('builds a queue page’s ticket from the lean row: the stored masks, nothing decrypted, no number once erased', () => {
    const decrypt = jest.spyOn(pii, 'decrypt');
    const views = new TicketViews(pii, reference);
    const r = row({ citizenIdMasked: '001******345', phoneMasked: '+8491****678' });
    const lean = (over: Partial<TicketListRow>): TicketListRow => ({
      ...r,
      receivedAt: '2021-11-05T08:00:00.000+07:00',
      dueAt: '2021-11-07T08:00:00.000+07:00',
      overdueSince: null,
      piiErasedAt: null,
      hasCitizenId: true,
      hasPhone: true,
      citizenIdEnc: null,
      phoneEnc: null,
      ...over,
    });
    expect(views.listView(lean({}))).toEqual(views.view(r, false));
    expect(decrypt).not.toHaveBeenCalled();
    const erased = views.listView(
      lean({ hasCitizenId: false, hasPhone: false, citizenIdMasked: null, phoneMasked: null }),
    );
    expect(erased.citizen).toMatchObject({ citizenId: null, phone: null });
    decrypt.mockRestore();
  });

  it('masks the decrypted values of a row written before the masked columns existed', () => {
    const view = new TicketViews(pii, reference).view(row({}), false);
    expect(view.citizen).toMatchObject({ citizenId: '001******345', phone: '+8491****678' });
  });

  it('shows the whole numbers in the full view, and no phone where none was given', () => {
    const views = new TicketViews(pii, reference);
    const stored = { citizenIdMasked: '001******345', phoneMasked: '+8491****678' };
    expect(views.view(row(stored), true).citizen).toMatchObject({ citizenId: '001090012345', phone: '+84912345678' });
    expect(views.view(row({ phoneEnc: null }), false).citizen.phone).toBeNull();
  });

  it('shows a possible duplicate masked, even though the single view around it is whole', () => {
    const views = new TicketViews(pii, reference);
    const r = row({});
    const dupRow = (over: Partial<DuplicateRow>): DuplicateRow => ({
      id: '2',
      trackingCode: 'M9KW-3DB4-X3C',
      status: r.status,
      issueType: r.issueType,
      receivedAt: r.receivedAt,
      dueAt: r.dueAt,
      unitCode: r.unitCode,
      citizenName: r.citizenName,
      citizenIdEnc: r.citizenIdEnc,
      citizenIdMasked: null,
      phoneEnc: r.phoneEnc,
      phoneMasked: null,
      doseNumber: null,
      vaccineCode: null,
      vaccinatedOn: null,
      doseWardCode: null,
      facilityName: null,
      lotNumber: null,
      description: null,
      samePhone: true,
      attachmentCount: 2,
      ...over,
    });
    const dup = views.possibleDuplicate(dupRow({}));
    expect(dup).toMatchObject({
      trackingCode: 'M9KW-3DB4-X3C',
      citizen: { fullName: 'Nguyễn Văn An', citizenId: '001******345', phone: '+8491****678' },
      samePhone: true,
      attachmentCount: 2,
      dose: null,
      receivedAt: '2021-11-05T08:00:00.000+07:00',
    });
    expect(JSON.stringify(dup)).not.toContain('912345678');
    expect(views.possibleDuplicate(dupRow({ phoneEnc: null, samePhone: false })).citizen.phone).toBeNull();
  });

  it('shows an erased ticket with its personal fields null, in the list and the full view, decrypting nothing', () => {
    const decrypt = jest.spyOn(pii, 'decrypt');
    const views = new TicketViews(pii, reference);
    const erased = row({
      citizenName: null,
      citizenDob: null,
      citizenIdEnc: null,
      phoneEnc: null,
      piiErasedAt: new Date('2022-05-12T00:00:00Z'),
    });
    for (const full of [false, true]) {
      const view = views.view(erased, full);
      expect(view.citizen).toEqual({
        fullName: null,
        dateOfBirth: null,
        citizenId: null,
        phone: null,
        wardCode: '00001',
      });
      expect(view.personalDataErasedAt).toBe('2022-05-12T07:00:00.000+07:00');
    }
    expect(decrypt).not.toHaveBeenCalled();
    decrypt.mockRestore();
  });

  it('shows the date of birth whole in the full view and as the year alone in the masked one', () => {
    const views = new TicketViews(pii, reference);
    expect(views.view(row({}), true).citizen.dateOfBirth).toBe('1990-05-17');
    expect(views.view(row({}), false).citizen.dateOfBirth).toBe('1990');
  });
});
