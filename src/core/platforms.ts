/** The platforms a plugin's image is built for, and a release promotes, unless told otherwise: the two that hosted runners execute natively. */
export const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
