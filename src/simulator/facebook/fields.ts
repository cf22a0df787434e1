// The `fields` field-expansion grammar (notes §3):
//   list     := item ("," item)*
//   item     := name modifier* ("{" list "}")? modifier*
//   modifier := "." name "(" value ")"
// e.g. `id,comments.filter(stream).summary(true).limit(0){id,from{id,name}}`.
// A real parser, so that a client sending a malformed list gets Graph's syntax error
// (code 2500) instead of a fake that quietly guesses what was meant.

import { GraphError } from './errors.js';

export interface FieldSel {
  name: string;
  modifiers: Record<string, string>;
  /** Sub-field list given in braces; undefined = the node's default fields. */
  sub?: FieldSel[];
}

const NAME_CHAR = /[A-Za-z0-9_]/;

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): FieldSel[] {
    const list = this.list();
    this.ws();
    if (this.i < this.src.length) this.fail(`Expected end of string instead of "${this.src[this.i]}".`);
    return list;
  }

  private list(): FieldSel[] {
    const byName = new Map<string, FieldSel>();
    for (;;) {
      const item = this.item();
      // A repeated field keeps its first place in the answer; the later spelling wins.
      byName.set(item.name, item);
      this.ws();
      if (this.src[this.i] !== ',') break;
      this.i++;
    }
    return [...byName.values()];
  }

  private item(): FieldSel {
    this.ws();
    const name = this.name('field name');
    const sel: FieldSel = { name, modifiers: {} };
    for (;;) {
      this.ws();
      const c = this.src[this.i];
      if (c === '.') {
        this.i++;
        const mod = this.name('modifier name');
        this.expect('(');
        const close = this.src.indexOf(')', this.i);
        if (close < 0) this.fail('Expected ")" to close the modifier.');
        sel.modifiers[mod] = this.src.slice(this.i, close).trim();
        this.i = close + 1;
      } else if (c === '{') {
        if (sel.sub) this.fail('Expected "," or end of string instead of "{".');
        this.i++;
        sel.sub = this.list();
        this.ws();
        this.expect('}');
      } else {
        return sel;
      }
    }
  }

  private name(what: string): string {
    const start = this.i;
    while (this.i < this.src.length && NAME_CHAR.test(this.src[this.i])) this.i++;
    if (this.i === start) {
      const got = this.i < this.src.length ? `"${this.src[this.i]}"` : 'end of string';
      this.fail(`Expected ${what} instead of ${got}.`);
    }
    return this.src.slice(start, this.i);
  }

  private expect(ch: string): void {
    if (this.src[this.i] !== ch) {
      const got = this.i < this.src.length ? `"${this.src[this.i]}"` : 'end of string';
      this.fail(`Expected "${ch}" instead of ${got}.`);
    }
    this.i++;
  }

  private ws(): void {
    while (this.src[this.i] === ' ') this.i++;
  }

  private fail(detail: string): never {
    throw new GraphError({ message: `Syntax error "${detail}" at character ${this.i}: ${this.src}`, code: 2500 });
  }
}

export function parseFields(src: string): FieldSel[] {
  return new Parser(src).parse();
}

/** Inverse of parseFields; used to carry a nested edge's sub-fields into its own `next` URL. */
export function formatFields(list: FieldSel[]): string {
  return list
    .map((f) => {
      const mods = Object.entries(f.modifiers)
        .map(([k, v]) => `.${k}(${v})`)
        .join('');
      return f.name + mods + (f.sub ? `{${formatFields(f.sub)}}` : '');
    })
    .join(',');
}
