export type Lang = 'vi' | 'en';
export type Localized = Record<Lang, string>;

/** One kind of failure: its stable code (the problem `type`), HTTP status and Vietnamese/English title. */
export interface ErrorDef {
  readonly code: string;
  readonly status: number;
  readonly title: Localized;
}

/**
 * Declares a lib's error catalogue: `defineErrors({ NOT_FOUND: { status: 404, vi, en } })`.
 * Codes are persisted in clients (problem `type`), so never rename one.
 */
export function defineErrors<K extends string>(
  defs: Record<K, { status: number; vi: string; en: string }>,
): Record<K, ErrorDef> {
  const out = {} as Record<K, ErrorDef>;
  for (const code of Object.keys(defs) as K[]) {
    const d = defs[code];
    out[code] = Object.freeze({ code, status: d.status, title: { vi: d.vi, en: d.en } });
  }
  return Object.freeze(out);
}

/** A field-level validation failure, reported in problem+json `errors[]`. */
export interface FieldError {
  field: string;
  code: string;
  message: Localized;
}

/** A failure the client can act on. `detail` is optional extra text; it must never contain personal data. */
export class AppError extends Error {
  constructor(
    readonly def: ErrorDef,
    readonly detail?: Localized,
    readonly fieldErrors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(def.code);
    this.name = 'AppError';
  }
}

export const CommonErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, vi: 'Dữ liệu không hợp lệ', en: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, vi: 'Nội dung JSON không đọc được', en: 'The JSON body cannot be parsed' },
  PAYLOAD_TOO_LARGE: { status: 413, vi: 'Nội dung gửi lên quá lớn', en: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, vi: 'Kiểu nội dung không được hỗ trợ', en: 'Unsupported content type' },
  NOT_FOUND: { status: 404, vi: 'Không tìm thấy', en: 'Not found' },
  UNAUTHORIZED: { status: 401, vi: 'Cần đăng nhập', en: 'Authentication required' },
  FORBIDDEN: { status: 403, vi: 'Không có quyền thực hiện', en: 'Not allowed' },
  CONFLICT: { status: 409, vi: 'Xung đột với trạng thái hiện tại', en: 'Conflicts with the current state' },
  TOO_MANY_REQUESTS: {
    status: 429,
    vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau',
    en: 'Too many requests, try again later',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    vi: 'Hệ thống tạm thời gián đoạn, vui lòng thử lại sau',
    en: 'Temporarily unavailable, try again later',
  },
  INTERNAL: { status: 500, vi: 'Lỗi hệ thống', en: 'Internal error' },
});

/** The client's language from Accept-Language: English when it prefers English, Vietnamese otherwise. */
export function langFrom(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'vi';
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, i };
    })
    .filter((x) => x.tag.startsWith('en') || x.tag.startsWith('vi'))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.tag.startsWith('en') ? 'en' : 'vi';
}
