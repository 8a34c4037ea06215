// The one-line description of the connection shown in the header.
import type { ConnectionInfo } from '../bindings/ConnectionInfo';
import type { ConnectionSpec } from '../bindings/ConnectionSpec';

/** "Local system · http://127.0.0.1:4010 · us-east-1" or "AWS · prod · eu-west-1". */
export function describeConnection(info: ConnectionInfo): string {
  const parts =
    info.mode === 'local' ? ['Local system', info.endpointUrl] : ['AWS', info.profile, info.endpointUrl];
  return [...parts, info.region].filter((part): part is string => Boolean(part)).join(' · ');
}

/** "AWS profile dev · eu-west-1", "Endpoint http://localhost:4566 · us-east-1", "Local system". */
export function describeSpec(spec: ConnectionSpec): string {
  switch (spec.kind) {
    case 'local':
      return 'Local system, run by the app';
    case 'profile':
      return [`AWS profile ${spec.profile ?? '(default)'}`, spec.region ?? "the profile's region"].join(' · ');
    case 'endpoint':
      return [`Endpoint ${spec.endpointUrl ?? ''}`, spec.profile && `profile ${spec.profile}`, spec.region]
        .filter((part): part is string => Boolean(part))
        .join(' · ');
  }
}

/** The `aws` CLI line that lists the buses at an endpoint. */
export function cliLine(endpointUrl: string, region: string): string {
  return `aws --endpoint-url ${endpointUrl} --region ${region} events list-event-buses`;
}
