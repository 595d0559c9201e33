import { Injectable } from '@nestjs/common';
import { ReferenceService, Unit } from '@phananh/reference';
import { RoutingInput, resolveUnit } from './routing-rules';
import { StaffedUnits } from './staffed-units';

/** Decides which health unit handles a report (docs/api.md, "Routing"). */
@Injectable()
export class RoutingService {
  constructor(
    private readonly reference: ReferenceService,
    private readonly staffed: StaffedUnits,
  ) {}

  async route(input: RoutingInput): Promise<Unit> {
    return resolveUnit(input, this.reference, await this.staffed.get());
  }

  /** Call when officials change (created, disabled, moved to another unit), so routing sees it at once. */
  invalidate(): void {
    this.staffed.invalidate();
  }
}
