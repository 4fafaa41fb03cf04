// fieldColumns finds where a row's fields start by the program's quote rule (a '"' opens quotes only at a field's first byte).
import { expect, test } from 'vitest';
import { fieldColumns } from '../../src/baseline/parse-field.js';

test('a quote inside an unquoted field is content: the delimiters after it still start fields (finding 014)', () => {
  expect(fieldColumns('"",a",0,,\n', ',', true)).toEqual({ starts: [1, 4, 7, 9, 10], end: 10 });
  expect(fieldColumns('1970-01-01"q"z,x', ',', true)).toEqual({ starts: [1, 16], end: 17 });
});

test('a quote at a field\'s first byte opens quotes: delimiters and line breaks inside are data, "" is a quote', () => {
  expect(fieldColumns('1,"a,""b\nc",2\nnext', ',', true)).toEqual({ starts: [1, 3, 13], end: 14 });
});

test('without quotes (.tbl) a quote is content, and a CR LF ends the row at the CR', () => {
  expect(fieldColumns('"a|b"|c|\r\n', '|', false)).toEqual({ starts: [1, 4, 7, 9], end: 9 });
});
