// Where each value of a JSON text is: a small parser that maps every JSON Pointer to its line and column, and says
// where a text that is not JSON goes wrong. The playground marks problems by line with it.

const MAX_DEPTH = 400;

class SyntaxProblem extends Error {
  constructor(message, offset) {
    super(message);
    this.offset = offset;
  }
}

/** A JSON Pointer segment for a key. */
export function escapePointer(key) {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Parses text. Answers {pointers: Map(pointer -> {line, column, start, end}), error: null | {message, line, column}}:
 * line and column of an object member are those of its key; start and end are the offsets of the value's text.
 */
export function locate(text) {
  const source = String(text ?? '');
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      lineStarts.push(i + 1);
    }
  }
  const position = offset => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= offset) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return { line: low + 1, column: offset - lineStarts[low] + 1 };
  };
  const pointers = new Map();
  let i = 0;

  const describe = () => (i >= source.length ? 'the end of the text' : `'${source[i]}'`);
  const fail = expected => {
    throw new SyntaxProblem(`expected ${expected}, found ${describe()}`, i);
  };
  const space = () => {
    while (i < source.length) {
      const c = source.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i++;
      } else {
        break;
      }
    }
  };
  const string = () => {
    const start = i;
    i++;
    while (i < source.length) {
      const c = source[i];
      if (c === '"') {
        i++;
        try {
          return JSON.parse(source.slice(start, i));
        } catch (e) {
          throw new SyntaxProblem('a string with a bad escape or a control character in it', start);
        }
      }
      if (c === '\\') {
        i += 2;
      } else if (c === '\n') {
        throw new SyntaxProblem('a line break inside a string (write \\n)', i);
      } else {
        i++;
      }
    }
    throw new SyntaxProblem('a string that is never closed', start);
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (pointer, depth, at) => {
    if (depth > MAX_DEPTH) {
      throw new SyntaxProblem('nesting deeper than ' + MAX_DEPTH, i);
    }
    space();
    const entry = { ...position(at ?? i), start: i, end: i };
    pointers.set(pointer, entry);
    valueAt(pointer, depth);
    entry.end = i;
  };
  const valueAt = (pointer, depth) => {
    const c = source[i];
    if (c === '{') {
      i++;
      space();
      if (source[i] === '}') {
        i++;
        return;
      }
      const seen = new Set();
      for (;;) {
        space();
        if (source[i] !== '"') {
          fail(seen.size === 0 ? "a key in double quotes or '}'" : 'a key in double quotes');
        }
        const keyAt = i;
        const key = string();
        if (seen.has(key)) {
          throw new SyntaxProblem(`the key ${JSON.stringify(key)} twice in one object`, keyAt);
        }
        seen.add(key);
        space();
        if (source[i] !== ':') {
          fail("':' after the key");
        }
        i++;
        value(pointer + '/' + escapePointer(key), depth + 1, keyAt);
        space();
        if (source[i] === ',') {
          i++;
          space();
          if (source[i] === '}') {
            fail('another member after the comma (JSON allows no trailing comma)');
          }
          continue;
        }
        if (source[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      space();
      if (source[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        value(pointer + '/' + index, depth + 1);
        space();
        if (source[i] === ',') {
          i++;
          space();
          if (source[i] === ']') {
            fail('another item after the comma (JSON allows no trailing comma)');
          }
          continue;
        }
        if (source[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']'");
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (source.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source);
    if (number && number[0].length > 0) {
      i += number[0].length;
      return;
    }
    fail('a value (an object, array, string, number, true, false or null)');
  };

  try {
    value('', 0);
    space();
    if (i < source.length) {
      fail('nothing more after the value');
    }
    return { pointers, error: null };
  } catch (e) {
    if (!(e instanceof SyntaxProblem)) {
      throw e;
    }
    const where = position(Math.min(e.offset, source.length));
    return { pointers, error: { message: e.message, line: where.line, column: where.column } };
  }
}

/**
 * The line of a pointer in the located text: its own, or its nearest ancestor's (a missing property is reported at
 * the object that lacks it). Null if not even the root is there.
 */
export function lineOf(located, pointer) {
  let p = String(pointer ?? '');
  for (;;) {
    const found = located.pointers.get(p);
    if (found) {
      return found.line;
    }
    if (p === '') {
      return null;
    }
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
