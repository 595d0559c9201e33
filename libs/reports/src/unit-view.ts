import { ReferenceService } from '@phananh/reference';
import { AssignedUnitDto } from './dto/report-views.dto';

/** A unit as citizens see it: its code, its health unit's official (Vietnamese) name, and its level. */
export function unitView(reference: ReferenceService, code: string): AssignedUnitDto {
  const unit = reference.unit(code);
  if (!unit) return { code, name: code, level: 'ward' };
  return { code, name: reference.healthUnitName(unit), level: unit.level };
}
