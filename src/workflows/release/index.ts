export * from './settings';
export * from './release-workflow';
export { PROMOTION_CONCURRENCY_GROUP, PROMOTE_OUTPUTS } from './publish-jobs';
