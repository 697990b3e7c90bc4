/**
 * moto's IAM emulation, for the credential and permission failures of test-connection:
 * an IAM user whose policy allows reading objects but not listing the bucket, and moto's
 * `reset-auth` switch that makes it check every request's signature and permissions.
 */

/** Calls moto's IAM Query API. moto routes by the credential scope; it checks nothing while auth is off. */
async function iam(endpoint: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString();
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Authorization': 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto IAM ${params.Action} failed (${res.status}): ${text}`);
  return text;
}

function xmlValue(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(xml);
  if (!m) throw new Error(`no <${tag}> in ${xml}`);
  return m[1];
}

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** An IAM user allowed s3:GetObject on the bucket's objects and nothing else (no s3:ListBucket). */
export async function userWhoCannotList(endpoint: string, bucket: string): Promise<AccessKey> {
  const user = `cannot-list-${Date.now()}`;
  await iam(endpoint, { Action: 'CreateUser', UserName: user });
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }] };
  await iam(endpoint, { Action: 'PutUserPolicy', UserName: user, PolicyName: 'read-objects-only', PolicyDocument: JSON.stringify(policy) });
  const key = await iam(endpoint, { Action: 'CreateAccessKey', UserName: user });
  return { accessKeyId: xmlValue(key, 'AccessKeyId'), secretAccessKey: xmlValue(key, 'SecretAccessKey') };
}

/** Turns moto's request authentication and IAM authorisation on or off. */
export async function motoAuth(endpoint: string, on: boolean): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: on ? '0' : 'inf' });
  if (!res.ok) throw new Error(`moto reset-auth failed (${res.status}): ${await res.text()}`);
}
