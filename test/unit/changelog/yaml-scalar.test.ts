import { parseDocument, Scalar } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scalarOffsets } from '../../../server/src/changelog/yaml-scalar';

function offsetsOf(source: string) {
  const doc = parseDocument(source);
  const node = (doc.contents as any).items[0].value as Scalar;
  const value = String(node.value);
  return { value, offsets: scalarOffsets(node, value, source) };
}

/** every non-whitespace character of the value maps to the same character in the file */
function expectFaithful(source: string, exceptions = '') {
  const { value, offsets } = offsetsOf(source);
  for (let i = 0; i < value.length; i++) {
    if (/\s/.test(value[i]) || exceptions.includes(value[i])) continue;
    expect(source[offsets[i]], `value[${i}] = ${JSON.stringify(value[i])}`).toBe(value[i]);
  }
  return { value, offsets };
}

describe('YAML scalars map back to their place in the file', () => {
  it('maps a literal block, keeping a more-indented line at its real columns', () => {
    const source = 'sql: |\n  SELECT 1;\n    SELECT 2;\n\n  SELECT 3\nnext: 1\n';
    const { value, offsets } = expectFaithful(source);
    const at = value.indexOf('  SELECT 2');
    // the two extra spaces are the file's columns 2 and 3 of that line, not its indentation
    expect(offsets[at]).toBe(source.indexOf('    SELECT 2') + 2);
    expect(offsets[value.indexOf('SELECT 2')]).toBe(source.indexOf('SELECT 2'));
  });

  it('maps a folded block across an empty line and a more-indented line', () => {
    const source = 'sql: >\n  one\n  two\n\n  three\n      more\n  end\n';
    const { value, offsets } = expectFaithful(source);
    expect(value).toBe('one two\nthree\n    more\nend\n');
    expect(offsets[value.indexOf('three')]).toBe(source.indexOf('three'));
    expect(offsets[value.indexOf('more')]).toBe(source.indexOf('more'));
  });

  it('maps a block with CRLF line endings and a chomping indicator', () => {
    const source = 'sql: |-\r\n    A B\r\n      C\r\n';
    const { value, offsets } = expectFaithful(source);
    expect(offsets[value.indexOf('C')]).toBe(source.indexOf('C'));
  });

  it('maps a double-quoted string through its escapes', () => {
    const source = 'sql: "a\\tb \\"q\\" \\u00e9 x"\n';
    const { value, offsets } = expectFaithful(source, '\t"é');
    expect(value).toBe('a\tb "q" é x');
    expect(offsets[value.indexOf('é')]).toBe(source.indexOf('\\u00e9'));
    expect(offsets[value.indexOf('x')]).toBe(source.indexOf('x'));
  });

  it("maps a single-quoted string with '' and a folded line", () => {
    const source = "sql: 'it''s\n  folded'\n";
    const { value, offsets } = expectFaithful(source, "'");
    expect(value).toBe("it's folded");
    expect(offsets[value.indexOf('folded')]).toBe(source.indexOf('folded'));
  });

  it("ends a single-quoted string that ends with '' after both quotes", () => {
    const source = "sql: 'SET x DEFAULT ''new'''\nnext: 1\n";
    const { value, offsets } = offsetsOf(source);
    expect(value).toBe("SET x DEFAULT 'new'");
    // the end of the value is the closing quote of the scalar, not the middle of the '' pair before it
    expect(offsets[value.length]).toBe(source.indexOf("'\nnext"));
    expect(offsets[value.indexOf('new')]).toBe(source.indexOf('new'));
  });

  it('maps a plain multi-line scalar', () => {
    const source = 'sql: plain\n  multi line\n';
    const { value, offsets } = expectFaithful(source);
    expect(offsets[value.indexOf('multi')]).toBe(source.indexOf('multi'));
  });
});
