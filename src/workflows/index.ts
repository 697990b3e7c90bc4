export * from './workflow-settings';
export * from './end-to-end';
export * from './build-workflow';
export * from './self-mutation';
