/** A Go program the release workflow builds from the Go module proxy (the checksum database verifies the module). */
export interface GoTool {
  /** The main package, e.g. `github.com/google/go-containerregistry/cmd/crane`. */
  readonly package: string;
  /** The module version to build. */
  readonly version: string;
}

/** go-containerregistry's `crane`, the registry client the `promote` bin drives. */
export const CRANE: GoTool = { package: 'github.com/google/go-containerregistry/cmd/crane', version: 'v0.22.1' };

/** The cosign release the sign job installs: cosign-installer's default, pinned so an installer update cannot change it silently. */
export const COSIGN_VERSION = 'v3.0.6';
