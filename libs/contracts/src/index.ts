export * from './bus';
export * from './errors';
export * from './events';
export * from './metrics';
export * from './timestamps';
