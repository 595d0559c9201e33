export * from './campaign';
export * from './deadlines';
export * from './campaigns.service';
export * from './sla-core.module';
export * from './sla-sweeper.service';
export * from './campaign-cutoff.service';
export * from './sla-summary.service';
export * from './sla.module';
