/** One build's result: the platform and the manifest digest of the image it produced. */
export interface ReproduceBuild {
  readonly platform: string;
  readonly digest: string;
}

/** The report `image:reproduce` prints: both digests per platform, then `reproducible: yes|no`. */
export function reproducibilityReport(first: readonly ReproduceBuild[], second: readonly ReproduceBuild[]): { text: string; reproducible: boolean } {
  const platforms = [...new Set([...first, ...second].map((b) => b.platform))];
  let reproducible = platforms.length > 0;
  const lines = platforms.map((p) => {
    const a = first.find((b) => b.platform === p)?.digest;
    const b = second.find((x) => x.platform === p)?.digest;
    const same = a !== undefined && a === b && /^sha256:[0-9a-f]{64}$/.test(a);
    if (!same) reproducible = false;
    return `${p}: ${a ?? '(no build)'} ${b ?? '(no build)'} ${same ? 'same' : 'DIFFERENT'}`;
  });
  return { text: `${lines.join('\n')}\nreproducible: ${reproducible ? 'yes' : 'no'}\n`, reproducible };
}
