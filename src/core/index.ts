export * from './validation';
export * from './docker-reference';
export * from './platforms';
export * from './package-bin';
