export * from './go-module';
export * from './go-build';
export * from './base-image';
export * from './plugin-image';
export * from './dockerfile';
export * from './dockerignore';
export * from './makefile';
export * from './plugin-tasks';
