import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { AppError, CommonErrors } from '@phananh/core';
import { ReferenceService, Unit } from '@phananh/reference';

export class UnitsQuery {
  @ApiPropertyOptional({ description: 'Code of the parent unit; without it, the 63 provinces', example: '01' })
  @IsOptional()
  @Matches(/^\d{2,3}$/)
  parent?: string;
}

class UnitView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() type: string;
  @ApiProperty({ enum: ['province', 'district', 'ward'] }) level: string;
  @ApiProperty({ nullable: true }) parentCode: string | null;
  @ApiProperty({ description: "Name of the unit's health unit (Sở Y tế / Trung tâm Y tế / Trạm Y tế)" })
  healthUnitName: string;
}

@ApiTags('reference')
@Controller('api/v1/reference')
export class ReferenceController {
  constructor(private readonly reference: ReferenceService) {}

  @Get('vaccines')
  vaccines() {
    return this.reference.vaccineList();
  }

  @Get('units')
  @ApiOkResponse({ type: [UnitView] })
  units(@Query() query: UnitsQuery): UnitView[] {
    if (query.parent && !this.reference.unit(query.parent)) throw new AppError(CommonErrors.NOT_FOUND);
    const list = query.parent ? this.reference.childrenOf(query.parent) : this.reference.allProvinces();
    return list.map((u: Unit) => ({
      code: u.code,
      name: u.name,
      type: u.type,
      level: u.level,
      parentCode: u.parentCode,
      healthUnitName: this.reference.healthUnitName(u),
    }));
  }
}
