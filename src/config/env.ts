// `${NAME}` in any string value takes the value of the environment variable NAME
// (behaviour.md § Configuration). Secrets belong there, not in the file.

export type KeyPath = readonly (string | number)[];

export interface EnvProblem {
  path: KeyPath;
  message: string;
}

export interface EnvResult {
  /** The tree with every reference replaced (a value whose reference failed is left as written). */
  value: unknown;
  problems: EnvProblem[];
  /** Dotted key path → the variables its value came from, for error messages. */
  sources: Map<string, string[]>;
}

const REFERENCE = /\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `planfix.fields.taskPostId`; list items as `[0]`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/**
 * Replaces `${NAME}` references in every string of `tree`. A variable that is not set is a
 * problem naming the key and the variable; an empty variable is taken as the empty string
 * (validation then says the key is empty).
 */
export function substituteEnv(tree: unknown, env: NodeJS.ProcessEnv): EnvResult {
  const problems: EnvProblem[] = [];
  const sources = new Map<string, string[]>();

  const visit = (value: unknown, path: KeyPath): unknown => {
    if (typeof value === 'string') return expand(value, path);
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i]));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) out[key] = visit(child, [...path, key]);
      return out;
    }
    return value;
  };

  const expand = (text: string, path: KeyPath): string => {
    if (!text.includes('${')) return text;
    const key = formatPath(path);
    const names: string[] = [];
    let failed = false;
    const result = text.replace(REFERENCE, (whole, name: string) => {
      if (!NAME.test(name)) {
        failed = true;
        problems.push({
          path,
          message: `${key}: "\${${name}}" is not a valid environment variable reference (write \${NAME}, NAME made of letters, digits and _)`,
        });
        return whole;
      }
      names.push(name);
      const set = env[name];
      if (set === undefined) {
        failed = true;
        problems.push({ path, message: `${key}: environment variable ${name} is not set` });
        return whole;
      }
      return set;
    });
    // Checked on the text as written, so a variable's value containing "${" is left alone.
    if (text.replace(REFERENCE, '').includes('${')) {
      failed = true;
      problems.push({ path, message: `${key}: unterminated "\${" (write \${NAME})` });
    }
    if (names.length > 0) sources.set(key, names);
    return failed ? text : result;
  };

  return { value: visit(tree, []), problems, sources };
}
