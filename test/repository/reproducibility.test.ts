import { describe, expect, it } from 'vitest';
import { reproducibilityReport } from '../image/reproducibility';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('image:reproduce\'s verdict', () => {
  it('yes when both builds of every platform have the same digest', () => {
    const r = reproducibilityReport([{ platform: 'linux/amd64', digest: A }, { platform: 'linux/arm64', digest: B }], [{ platform: 'linux/amd64', digest: A }, { platform: 'linux/arm64', digest: B }]);
    expect(r).toEqual({ reproducible: true, text: `linux/amd64: ${A} ${A} same\nlinux/arm64: ${B} ${B} same\nreproducible: yes\n` });
  });

  it.each([
    ['one platform differs', [{ platform: 'linux/amd64', digest: A }, { platform: 'linux/arm64', digest: A }], [{ platform: 'linux/amd64', digest: A }, { platform: 'linux/arm64', digest: B }]],
    ['a platform built once', [{ platform: 'linux/amd64', digest: A }, { platform: 'linux/arm64', digest: A }], [{ platform: 'linux/amd64', digest: A }]],
    ['nothing built', [], []],
    ['no digest at all', [{ platform: 'linux/amd64', digest: '' }], [{ platform: 'linux/amd64', digest: '' }]],
  ])('no when %s', (_, first, second) => {
    const r = reproducibilityReport(first, second);
    expect(r.reproducible).toBe(false);
    expect(r.text.endsWith('reproducible: no\n')).toBe(true);
  });
});
