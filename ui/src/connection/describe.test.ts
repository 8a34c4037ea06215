import { describe, expect, it } from 'vitest';
import { describeConnection } from './describe';

describe('describeConnection', () => {
  it('describes the local system by endpoint and region', () => {
    expect(
      describeConnection({ mode: 'local', region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4010', profile: null }),
    ).toBe('Local system · http://127.0.0.1:4010 · us-east-1');
  });

  it('describes AWS by profile and region', () => {
    expect(describeConnection({ mode: 'aws', region: 'eu-west-1', endpointUrl: null, profile: 'prod' })).toBe(
      'AWS · prod · eu-west-1',
    );
  });

  it('leaves out a profile that was not named', () => {
    expect(describeConnection({ mode: 'aws', region: 'eu-west-1', endpointUrl: null, profile: null })).toBe(
      'AWS · eu-west-1',
    );
  });
});
