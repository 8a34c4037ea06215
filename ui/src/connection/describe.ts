// The one-line description of the connection shown in the header.
import type { ConnectionInfo } from '../bindings/ConnectionInfo';

/** "Local system · http://127.0.0.1:4010 · us-east-1" or "AWS · prod · eu-west-1". */
export function describeConnection(info: ConnectionInfo): string {
  const parts =
    info.mode === 'local' ? ['Local system', info.endpointUrl] : ['AWS', info.profile, info.endpointUrl];
  return [...parts, info.region].filter((part): part is string => Boolean(part)).join(' · ');
}
