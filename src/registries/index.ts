import { EcrOptions, EcrRegistry } from './ecr';
import { GhcrOptions, GhcrRegistry } from './ghcr';
import { ArtifactRegistryOptions, GcrOptions, GoogleRegistry } from './google';

export * from './registry';
export * from './google';
export * from './ghcr';
export * from './ecr';

/** Factories for the built-in registries; any other kind implements `IRegistry`. */
export class Registry {
  /** Legacy gcr.io names (served by Artifact Registry since 2025-03-18). */
  public static gcr(options: GcrOptions): GoogleRegistry {
    return GoogleRegistry.gcr(options);
  }

  /** `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY`. */
  public static artifactRegistry(options: ArtifactRegistryOptions): GoogleRegistry {
    return GoogleRegistry.artifactRegistry(options);
  }

  /** `ghcr.io/OWNER`. */
  public static ghcr(options: GhcrOptions): GhcrRegistry {
    return new GhcrRegistry(options);
  }

  /** `<account>.dkr.ecr.<region>.amazonaws.com[/<namespace>]`. */
  public static ecr(options: EcrOptions): EcrRegistry {
    return new EcrRegistry(options);
  }

  private constructor() {}
}
