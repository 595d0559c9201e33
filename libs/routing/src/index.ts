export * from './routing-rules';
export * from './routing.service';
export * from './routing.module';
export { STAFFED_UNITS_TTL_MS } from './staffed-units';
