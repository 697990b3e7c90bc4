/**
 * A Go program the release workflow builds from the Go module proxy (the checksum database
 * verifies the module). Written `{ package: '<module>/cmd/<name>', version: 'vX.Y.Z' }` on one
 * line, so the update bot finds it (the module is the path before `/cmd/`).
 */
export interface GoTool {
  /** The main package, e.g. `github.com/google/go-containerregistry/cmd/crane`. */
  readonly package: string;
  /** The module version to build. */
  readonly version: string;
}

/** go-containerregistry's `crane`, the registry client the `promote` bin drives. */
export const CRANE: GoTool = { package: 'github.com/google/go-containerregistry/cmd/crane', version: 'v0.22.1' };

/** cosign, which the sign job installs with cosign-installer (its release tags are the module's versions). */
export const COSIGN: GoTool = { package: 'github.com/sigstore/cosign/v3/cmd/cosign', version: 'v3.0.6' };

/** The cosign release the sign job installs: cosign-installer's default, pinned so an installer update cannot change it silently. */
export const COSIGN_VERSION = COSIGN.version;

/** Anchore's syft, which writes the image's SPDX SBOM in release.yml's sbom job (a job with no write permission). */
export const SYFT: GoTool = { package: 'github.com/anchore/syft/cmd/syft', version: 'v1.57.2' };
