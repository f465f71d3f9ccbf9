/**
 * What the HTTP edge needs from API-key storage. A key works for one customer organisation or for
 * the desk's admins; only its hash is kept, so the plaintext is seen once, when it is created.
 */
export type ApiKeyScope = { kind: 'admin' } | { kind: 'organisation'; organisationId: string };

export interface ApiKey {
  /** Non-secret id, also the start of the key itself: safe to show, log and look up by. */
  id: string;
  scope: ApiKeyScope;
  label?: string;
  createdAt: Date;
  revokedAt?: Date;
}

export interface ApiKeyRepository {
  /** Makes a new key; `key` is the plaintext, returned here and never again. */
  create(scope: ApiKeyScope, label?: string): Promise<{ key: string; apiKey: ApiKey }>;
  /** The live key `presented` stands for, or undefined when it is unknown, wrong or revoked. */
  verify(presented: string): Promise<ApiKey | undefined>;
  /** True when a live key was revoked now; false when there was none to revoke. */
  revoke(id: string): Promise<boolean>;
  list(filter?: { organisationId?: string }): Promise<ApiKey[]>;
}
