// CSV records exactly as Liquibase 4.28's loadData reads them: liquibase.util.csv.CSVReader over opencsv 5.9's
// CSVReader with an RFC4180Parser (a separator and a quote character, no escape character). Re-implemented from the
// behaviour of those classes, including their oddities:
//   - lines end at \n, \r\n or \r (BufferedReader.readLine); a quoted field that spans lines gets a \n for each break
//   - a field is quoted only when the quote character is its very first character; a quote anywhere else is kept
//   - inside a quoted field a doubled quote is one quote; a field with a single quote character anywhere is taken
//     as the start of a multi-line field
//   - a line ending in the separator has one more, empty, field; an empty line is one empty field
//   - a quoted field still open at the end of the file is an error (CsvMalformedLineException)

/** One record and the 1-based line of the file where it starts. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** The file is not CSV opencsv can read; `line` is 1-based, where the bad record starts. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** BufferedReader.readLine over the whole text: the lines without their terminators, none after a final one. */
function physicalLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '' && /[\r\n]$/.test(text)) lines.pop();
  if (text === '') return [];
  return lines;
}

class Rfc4180Parser {
  /** the start of a quoted field still open at the end of the last line, with the line break it had */
  pending: string | undefined;

  constructor(
    private readonly separator: string,
    private readonly quote: string,
  ) {}

  parseLineMulti(next: string): string[] {
    const line = this.pending !== undefined ? this.pending + next : next;
    this.pending = undefined;
    if (!line.includes(this.quote)) return line.split(this.separator);
    return this.splitOutsideQuotes(line).map((field) => (field.includes(this.quote) ? this.unquote(field) : field));
  }

  private splitOutsideQuotes(line: string): string[] {
    const { separator: sep, quote } = this;
    const fields: string[] = [];
    let at = 0;
    while (at < line.length) {
      const nextSeparator = line.indexOf(sep, at);
      const nextQuote = line.indexOf(quote, at);
      if (nextSeparator === -1) {
        fields.push(line.slice(at));
        at = line.length;
      } else if (nextQuote === -1 || nextQuote > nextSeparator || nextQuote !== at) {
        fields.push(line.slice(at, nextSeparator));
        at = nextSeparator + 1;
      } else {
        const end = this.endOfQuotedField(line, at);
        fields.push(line.slice(at, end));
        at = end + 1;
      }
    }
    const last = fields[fields.length - 1];
    if (last !== undefined && ((last.startsWith(quote) && !last.endsWith(quote)) || this.quoteCount(last) === 1)) {
      this.pending = fields.pop() + '\n';
    } else if (line.lastIndexOf(sep) === line.length - 1) {
      fields.push('');
    }
    return fields;
  }

  /** where a field that starts with a quote ends: at the separator after an even run of quotes, else the line's end */
  private endOfQuotedField(line: string, start: number): number {
    const { separator: sep, quote } = this;
    const lastFound = (q: number) => q === -1 || q >= line.length - 1;
    let nextQuote = line.indexOf(quote, start + 1);
    let inQuote = false;
    while (!lastFound(nextQuote)) {
      if (!inQuote && line[nextQuote + 1] === sep) return nextQuote + 1;
      do {
        nextQuote = line.indexOf(quote, nextQuote + 1);
        inQuote = !inQuote;
      } while (!lastFound(nextQuote) && line[nextQuote + 1] === quote);
    }
    return line.length;
  }

  private quoteCount(field: string): number {
    return field.split(this.quote).length - 1;
  }

  private unquote(field: string): string {
    let out = field;
    if (this.quoteCount(out) !== 1 && out.startsWith(this.quote)) {
      out = out.slice(this.quote.length);
      if (out.endsWith(this.quote)) out = out.slice(0, out.length - this.quote.length);
    }
    return out.split(this.quote + this.quote).join(this.quote);
  }
}

/**
 * Every record of a CSV text, the header first. `separator` and `quote` are single characters (Liquibase takes the
 * first character of the loadData attributes; an empty quotchar becomes U+0001, which no file holds).
 */
export function readCsv(text: string, separator: string, quote: string): CsvRecord[] {
  const lines = physicalLines(text);
  const parser = new Rfc4180Parser(separator, quote);
  const records: CsvRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = i;
    let fields: string[] = [];
    do {
      if (i >= lines.length) throw new CsvError('Unterminated quoted field at end of CSV line', start + 1);
      fields = fields.concat(parser.parseLineMulti(lines[i++]));
    } while (parser.pending !== undefined);
    records.push({ fields, line: start + 1 });
  }
  return records;
}
