import { cqSourceS3 } from './projenrc/cq-source-s3';

// The library package, and the cq-source-s3 plugin built and released with it (see projenrc/cq-source-s3.ts).
cqSourceS3().project.synth();
