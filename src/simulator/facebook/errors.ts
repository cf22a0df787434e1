// Every failure leaves the sim as Graph's error envelope. The HTTP status travels with the error
// because Graph uses 400 for almost everything but 500 for codes 1/2 (api-notes-facebook.md §7).

export type GraphErrorType = 'OAuthException' | 'GraphMethodException' | 'FacebookApiException';

export interface GraphErrorInit {
  message: string;
  code: number;
  type?: GraphErrorType;
  subcode?: number;
  status?: number;
  isTransient?: boolean;
  /** Extra response headers (usage at 100 % on throttles). */
  headers?: Record<string, string>;
  /** Only `code` and `message` in the body, as Graph sends some code-1 errors (no type, no fbtrace_id). */
  bare?: boolean;
}

export class GraphError extends Error {
  readonly code: number;
  readonly type: GraphErrorType;
  readonly subcode?: number;
  readonly status: number;
  readonly isTransient?: boolean;
  readonly headers: Record<string, string>;
  readonly bare: boolean;

  constructor(init: GraphErrorInit) {
    super(init.message);
    this.name = 'GraphError';
    this.code = init.code;
    this.type = init.type ?? 'OAuthException';
    this.subcode = init.subcode;
    this.status = init.status ?? (init.code === 1 || init.code === 2 ? 500 : 400);
    this.isTransient = init.isTransient;
    this.headers = init.headers ?? {};
    this.bare = init.bare ?? false;
  }

  body(fbtraceId: string): { error: Record<string, unknown> } {
    if (this.bare) return { error: { code: this.code, message: this.message } };
    const error: Record<string, unknown> = { message: this.message, type: this.type, code: this.code };
    if (this.subcode !== undefined) error.error_subcode = this.subcode;
    if (this.isTransient !== undefined) error.is_transient = this.isTransient;
    error.fbtrace_id = fbtraceId;
    return { error };
  }

  /**
   * A page too heavy to build, as Graph words it: HTTP 500, code 1, nothing else in the body
   * (facebook-python-business-sdk#470, singer-io/tap-facebook#65, keboola/ex-facebook-graph-api#55).
   */
  static tooMuchData(): GraphError {
    return new GraphError({ message: "Please reduce the amount of data you're asking for, then retry your request", code: 1, status: 500, bare: true });
  }

  /**
   * Graph's temporary block of a write (code 368, subcode 1390008), as a production body quoted in
   * gitroomhq/postiz-app#2068 reads; the error-handling guide: "Temporarily blocked for policies violations".
   */
  static postingTooFast(): GraphError {
    return new GraphError({
      message: 'We limit how often you can post, comment or do other things in a given amount of time in order to help protect the community from spam. You can try again later.',
      code: 368,
      subcode: 1390008,
    });
  }

  static param(message: string): GraphError {
    return new GraphError({ message, code: 100 });
  }

  /** Text seen in a real batch fixture (notes §4 item 4); the verb names the HTTP method. */
  static noSuchObject(id: string, method: string): GraphError {
    return new GraphError({
      message:
        `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, ` +
        'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
      type: 'GraphMethodException',
      code: 100,
      subcode: 33,
    });
  }

  static nonexistingField(field: string, nodeType: string): GraphError {
    return GraphError.param(`(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`);
  }

  static unknownPath(path: string): GraphError {
    return new GraphError({ message: `Unknown path components: ${path}`, code: 2500 });
  }

  static missingReadPermission(permission: string): GraphError {
    return new GraphError({
      message:
        `(#10) This endpoint requires the '${permission}' permission or the 'Page Public Content Access' feature. ` +
        'Refer to https://developers.facebook.com/docs/apps/review/login-permissions#manage-pages for details.',
      code: 10,
    });
  }

  static permissionsError(): GraphError {
    return new GraphError({ message: '(#200) Permissions error', code: 200 });
  }
}
