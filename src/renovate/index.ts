export * from './custom-managers';
export * from './renovate-config';
