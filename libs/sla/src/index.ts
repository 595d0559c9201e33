export * from './campaign.entity';
export * from './deadlines';
export * from './campaigns.service';
export * from './sla-core.module';
