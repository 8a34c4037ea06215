// The add-connection form's rules (pure): what to fix before a spec is sent.
import type { ConnectionSpec } from '../bindings/ConnectionSpec';

export interface ConnectionDraft {
  name: string;
  kind: 'profile' | 'endpoint';
  profile: string;
  /** Empty: the profile's own region (profile connections only). */
  region: string;
  endpointUrl: string;
}

export const EMPTY_DRAFT: ConnectionDraft = { name: '', kind: 'profile', profile: '', region: '', endpointUrl: '' };

/** The first thing to fix, in words, or null when the draft can be sent. */
export function draftProblem(draft: ConnectionDraft, forSaving: boolean): string | null {
  if (forSaving && draft.name.trim() === '') return 'Give the connection a name.';
  if (draft.kind === 'profile') {
    if (draft.profile === '') return 'Pick an AWS profile.';
    return null;
  }
  const url = draft.endpointUrl.trim();
  if (url === '') return 'Give the endpoint URL, e.g. http://localhost:4566.';
  if (!/^https?:\/\/[^\s/:?#]+(:\d{1,5})?([/?#]\S*)?$/.test(url)) {
    return `"${url}" is not an endpoint URL: give http:// or https://, a host and maybe a port.`;
  }
  if (draft.region === '') return 'Pick the region the endpoint serves.';
  return null;
}

/** The spec a draft describes. */
export function draftSpec(draft: ConnectionDraft): ConnectionSpec {
  return draft.kind === 'profile'
    ? { kind: 'profile', profile: draft.profile, region: draft.region || null, endpointUrl: null }
    : { kind: 'endpoint', profile: null, region: draft.region, endpointUrl: draft.endpointUrl.trim() };
}
