export * from './open311.errors';
export * from './services';
export * from './api-keys.service';
export * from './open311-requests.service';
export * from './open311.module';
