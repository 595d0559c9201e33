export * from './queue-names';
export * from './job-catalogue';
export * from './job-handler.decorator';
export * from './job-registry';
export * from './queue.service';
export * from './queue.module';
export * from './job-latency';
