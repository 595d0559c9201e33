import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type UnitLevel = 'province' | 'district' | 'ward';

export interface Unit {
  code: string;
  name: string;
  type: string;
  level: UnitLevel;
  parentCode: string | null;
  provinceCode: string;
  districtCode: string | null;
  path: string;
}

/** A unit as every answer names it: its code, its health unit's official (Vietnamese) name, and its level. */
export interface UnitRef {
  code: string;
  name: string;
  level: UnitLevel;
}

export interface Vaccine {
  code: string;
  name: string;
  manufacturer: string;
  dosesInPrimarySeries: number;
}

/** How a unit shows as a health unit: the province's department, the district's centre, the ward's station. */
const HEALTH_UNIT_PREFIX: Record<UnitLevel, { vi: string; en: string }> = {
  province: { vi: 'Sở Y tế', en: 'Department of Health,' },
  district: { vi: 'Trung tâm Y tế', en: 'Health Centre,' },
  ward: { vi: 'Trạm Y tế', en: 'Health Station,' },
};

/**
 * The reference data, held in memory (about 3 MB) after one read at start-up: intake
 * validates and routes every report without a query. The database copy serves joins.
 */
@Injectable()
export class ReferenceService implements OnModuleInit {
  private units = new Map<string, Unit>();
  private children = new Map<string, Unit[]>();
  private provinces: Unit[] = [];
  private vaccines = new Map<string, Vaccine>();
  private identityProvinceCodes = new Map<string, string>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onModuleInit(): Promise<void> {
    const units: Unit[] = await this.db.query(
      `SELECT code, name, type, level, parent_code AS "parentCode", province_code AS "provinceCode",
              district_code AS "districtCode", path
       FROM units ORDER BY level, code`,
    );
    this.units = new Map(units.map((u) => [u.code, u]));
    this.children = new Map();
    for (const u of units) {
      if (!u.parentCode) continue;
      const list = this.children.get(u.parentCode) ?? [];
      list.push(u);
      this.children.set(u.parentCode, list);
    }
    this.provinces = units.filter((u) => u.level === 'province');
    const vaccines: Vaccine[] = await this.db.query(
      `SELECT code, name, manufacturer, doses_in_primary_series AS "dosesInPrimarySeries" FROM vaccines ORDER BY code`,
    );
    this.vaccines = new Map(vaccines.map((v) => [v.code, v]));
    const codes: { cccd: string; province: string }[] = await this.db.query(
      `SELECT cccd_code AS cccd, province_code AS province FROM identity_province_codes`,
    );
    this.identityProvinceCodes = new Map(codes.map((c) => [c.cccd, c.province]));
  }

  unit(code: string): Unit | undefined {
    return this.units.get(code);
  }

  childrenOf(code: string): Unit[] {
    return this.children.get(code) ?? [];
  }

  allProvinces(): Unit[] {
    return this.provinces;
  }

  /** A unit where a dose can be given or a citizen live: a ward, or an island district without wards. */
  isLowestUnit(code: string): boolean {
    const unit = this.units.get(code);
    return !!unit && (unit.level === 'ward' || (unit.level === 'district' && this.childrenOf(code).length === 0));
  }

  /** The unit and its ancestors, nearest first. */
  lineage(code: string): Unit[] {
    const out: Unit[] = [];
    for (let u = this.units.get(code); u; u = u.parentCode ? this.units.get(u.parentCode) : undefined) out.push(u);
    return out;
  }

  /** True when `code` is `ancestor` or lies below it. */
  isWithin(code: string, ancestor: string): boolean {
    const unit = this.units.get(code);
    const top = this.units.get(ancestor);
    return !!unit && !!top && unit.path.startsWith(top.path);
  }

  healthUnitName(unit: Unit, lang: 'vi' | 'en' = 'vi'): string {
    return `${HEALTH_UNIT_PREFIX[unit.level][lang]} ${unit.name}`;
  }

  /**
   * The unit a code names, as answers show it. A code no longer in the list (units are
   * merged and renamed over the years) still shows, by its code, as a ward.
   */
  unitRef(code: string): UnitRef {
    const unit = this.units.get(code);
    return unit ? { code, name: this.healthUnitName(unit), level: unit.level } : { code, name: code, level: 'ward' };
  }

  vaccineList(): Vaccine[] {
    return [...this.vaccines.values()];
  }

  vaccine(code: string): Vaccine | undefined {
    return this.vaccines.get(code);
  }

  /** GSO province code for the first three digits of an identity number, if they name a province. */
  provinceOfIdentityCode(cccd: string): string | undefined {
    return this.identityProvinceCodes.get(cccd);
  }
}
