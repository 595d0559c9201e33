export * from './reference.service';
export * from './reference.module';
export * from './reference-loader';
export * from './csv';
