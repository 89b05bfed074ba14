// Every refusal a caller can meet has a stable code, listed here and nowhere else.
export type RefusalCode =
  | 'INSUFFICIENT_USER_QUOTA'
  | 'NO_AVAILABLE_SERVICE'
  | 'SERVICE_QUOTA_EXHAUSTED'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_USER'
  | 'UNKNOWN_TASK'
  | 'UNKNOWN_DISPATCH'
  | 'DUPLICATE_ID'
  | 'INVALID_ARGUMENT'
  | 'NO_VALID_RECIPIENTS'
  | 'TIME_WENT_BACKWARDS'
  | 'INVALID_STATE'
  | 'USER_SUSPENDED';

export interface Refusal {
  readonly code: RefusalCode;
  /** English, names the offending field or id. */
  readonly message: string;
  /** The seed's wording (zh-CN) for the three creation checks it defined. */
  readonly messageZh?: string;
  /** Path of the offending field, e.g. `windows[1].limit`. */
  readonly path?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Refusal };

// The seed's own messages (shared/seed), kept verbatim so that a platform can show them unchanged.
const SEED_MESSAGES_ZH: Partial<Record<RefusalCode, string>> = {
  INSUFFICIENT_USER_QUOTA: '当前邮件发信额度不足',
  NO_AVAILABLE_SERVICE: '当前没有可用的发信服务',
  SERVICE_QUOTA_EXHAUSTED: '当前发信服务额度已用完',
};

const OK_VOID: Result<void> = Object.freeze({ ok: true, value: undefined });

export function ok<T>(value: T): Result<T> {
  // Most commands answer nothing; share one frozen answer instead of allocating one per call.
  return value === undefined ? (OK_VOID as Result<T>) : { ok: true, value };
}

export function refuse<T = never>(code: RefusalCode, message: string, path?: string): Result<T> {
  const zh = SEED_MESSAGES_ZH[code];
  const error: Refusal = {
    code,
    message,
    ...(zh === undefined ? {} : { messageZh: zh }),
    ...(path === undefined ? {} : { path }),
  };
  return { ok: false, error };
}
