import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';
import { ALERT_KINDS, AlertKind, LIFECYCLE_EVENTS, LifecycleEvent } from '@phananh/alerts';
import { PageQueryDto } from '../http/page-query.dto';

export class CreateWebhookDto {
  @ApiProperty({
    description: 'http(s) URL; loopback and private addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true',
    example: 'https://hooks.example.vn/phananh',
  })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url: string;

  @ApiProperty({ description: 'Key of the HMAC-SHA256 in X-Signature (stored encrypted, never shown again)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  secret: string;

  @ApiProperty({ enum: ALERT_KINDS, isArray: true, example: ['OVERDUE', 'ESCALATED', 'CUTOFF_MISSED'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(ALERT_KINDS.length)
  @IsIn(ALERT_KINDS, { each: true })
  events: AlertKind[];
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: ALERT_KINDS, isArray: true }) events: AlertKind[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The unit whose events it receives (the registering admin's province); null: every event",
  })
  unitCode: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) disabledAt: string | null;
}

export class DeliveryListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['PENDING', 'DELIVERED', 'DEAD'] })
  @IsOptional()
  @IsIn(['PENDING', 'DELIVERED', 'DEAD'])
  status?: 'PENDING' | 'DELIVERED' | 'DEAD';
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid', description: 'Also sent as X-Delivery-Id: receivers deduplicate on it' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty() url: string;
  @ApiProperty({ format: 'uuid', description: 'The alert event (`id` of the body)' }) eventId: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind: AlertKind;
  @ApiProperty({ enum: ['PENDING', 'DELIVERED', 'DEAD'] }) status: string;
  @ApiProperty({ description: 'Attempts in the current round (a retry starts a new round)' }) attempts: number;
  @ApiProperty({ nullable: true, type: Number, description: "The receiver's last HTTP status" })
  lastStatus: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) lastAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt: string | null;
}

export class DeliveryPageView {
  @ApiProperty({ type: [DeliveryView] }) items: DeliveryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CreateEventWebhookDto {
  @ApiProperty({
    description: 'http(s) URL; loopback and private addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true',
    example: 'https://tiemchung.example.vn/phananh-events',
  })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url: string;

  @ApiProperty({ description: 'Key of the HMAC-SHA256 in X-Signature (stored encrypted, never shown again)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  secret: string;

  @ApiProperty({ enum: LIFECYCLE_EVENTS, isArray: true, example: ['RESOLVED', 'REJECTED'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(LIFECYCLE_EVENTS.length)
  @IsIn(LIFECYCLE_EVENTS, { each: true })
  events: LifecycleEvent[];
}

export class PersonalDataFlagDto {
  @ApiProperty({
    description:
      'Send the identity number, the dose data and the tracking code with each event (the record platform needs them to apply an approval)',
  })
  @IsBoolean()
  includePersonalData: boolean;
}

export class EventWebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: LIFECYCLE_EVENTS, isArray: true }) events: LifecycleEvent[];
  @ApiProperty({ description: 'Set only by an admin through the personal-data route (audited)' })
  includePersonalData: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) disabledAt: string | null;
}

export class EventDeliveryView {
  @ApiProperty({ format: 'uuid', description: 'Also sent as X-Delivery-Id: receivers deduplicate on it' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty() url: string;
  @ApiProperty({ description: 'The ticket event (the CloudEvent `id` is `ticket-event-<eventId>`)' }) eventId: string;
  @ApiProperty({ example: 'vn.phananh.ticket.resolved' }) type: string;
  @ApiProperty({ enum: ['PENDING', 'DELIVERED', 'DEAD'] }) status: string;
  @ApiProperty({ description: 'Attempts in the current round (a retry starts a new round)' }) attempts: number;
  @ApiProperty({ nullable: true, type: Number }) lastStatus: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) lastAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt: string | null;
}

export class EventDeliveryPageView {
  @ApiProperty({ type: [EventDeliveryView] }) items: EventDeliveryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
