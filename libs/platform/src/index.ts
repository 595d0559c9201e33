export * from './platform.module';
export * from './shutdown-state';
export * from './boot';
export { clusterMetrics, inCluster, shareMetrics } from './cluster-metrics';
