// Planfix answers every failure as {"result":"fail","code":N,"error":"text"}; the HTTP status is
// chosen per endpoint, so it travels with the error instead of being derived from the code.

export class PfError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'PfError';
  }
}

export const failBody = (code: number, error: string) => ({ result: 'fail', code, error });

/** Code 40: a required parameter is absent. */
export const missingParam = (name: string) => new PfError(400, 40, `Missing parameter: ${name}`);

/** Code 41: a parameter is present but unusable (wrong type, unknown id, bad value). */
export const invalidParam = (text: string) => new PfError(400, 41, `Invalid parameter: ${text}`);
