// The line editor on its own: keys in, buffer and screen bytes out, including wrapped lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineEditor, splitKeys } from './line-editor.ts';

function editor(cols = 20, history: string[] = []) {
  let screen = '';
  const e = new LineEditor(cols, (s) => (screen += s), () => history);
  return { e, out: () => screen, clear: () => (screen = '') };
}

function type(e: LineEditor, keys: string) {
  const events = [];
  for (const k of splitKeys(keys)) {
    const ev = e.key(k);
    if (ev) events.push(ev);
  }
  return events;
}

test('splitKeys keeps escape sequences whole', () => {
  assert.deepEqual(splitKeys('a\x1b[Db\x1bOH\x1b[3~\r\n'), ['a', '\x1b[D', 'b', '\x1bOH', '\x1b[3~', '\r']);
  assert.deepEqual(splitKeys('é😀'), ['é', '😀']);
});

test('typing at the end echoes the characters as they are', () => {
  const { e, out } = editor(80);
  e.begin('$ ');
  type(e, 'ls -l');
  assert.equal(out(), '$ ls -l');
  const ev = type(e, '\r');
  assert.deepEqual(ev, [{ type: 'line', text: 'ls -l' }]);
  assert.equal(out(), '$ ls -l\r\n');
});

test('editing in the middle redraws the line and puts the cursor back', () => {
  const { e, out, clear } = editor(80);
  e.begin('$ ');
  type(e, 'echo ac');
  clear();
  type(e, '\x1b[Db');
  assert.equal(e.text, 'echo abc');
  assert.equal(e.cursor, 7);
  // Redraw: to column 0, clear, prompt and text, then to column 2+7=9.
  assert.equal(out(), '\r\x1b[J$ echo ac\r\x1b[8C' + '\r\x1b[J$ echo abc\r\x1b[9C');
});

test('a line longer than the terminal wraps; the cursor moves across rows', () => {
  const { e, out, clear } = editor(10);
  e.begin('$ ');
  type(e, '12345678');
  // 2 + 8 = 10 columns: the editor wraps to the next row itself.
  assert.match(out(), /\r\n\r?$/);
  type(e, 'abc');
  assert.equal(e.text, '12345678abc');
  clear();
  type(e, '\x01');
  // From row 1 up to row 0, then column 2.
  assert.equal(out(), '\x1b[1A\r\x1b[J$ 12345678abc\x1b[1A\r\x1b[2C');
  clear();
  const ev = type(e, '\r');
  assert.deepEqual(ev, [{ type: 'line', text: '12345678abc' }]);
  assert.equal(out(), '\r\x1b[J$ 12345678abc\r\x1b[3C\r\n');
});

test('history: Up/Down walk entries and come back to the line being typed', () => {
  const { e } = editor(80, ['first', 'second']);
  e.begin('$ ');
  type(e, 'draft');
  type(e, '\x1b[A');
  assert.equal(e.text, 'second');
  type(e, '\x1b[A\x1b[A');
  assert.equal(e.text, 'first');
  type(e, '\x1b[B\x1b[B');
  assert.equal(e.text, 'draft');
});

test('kill and yank: Ctrl-K, Ctrl-U, Ctrl-W, Ctrl-Y', () => {
  const { e } = editor(80);
  e.begin('$ ');
  type(e, 'one two three');
  type(e, '\x17');
  assert.equal(e.text, 'one two ');
  type(e, '\x19');
  assert.equal(e.text, 'one two three');
  type(e, '\x01\x1bf\x0b');
  assert.equal(e.text, 'one');
  type(e, ' x\x15');
  assert.equal(e.text, '');
});

test('Ctrl-C, Ctrl-D, Ctrl-L and Tab are reported to the session', () => {
  const { e } = editor(80);
  e.begin('$ ');
  assert.deepEqual(type(e, '\x04'), [{ type: 'eof' }]);
  assert.deepEqual(type(e, 'ab\x04'), []);
  assert.deepEqual(type(e, '\x0c'), [{ type: 'clear' }]);
  assert.deepEqual(type(e, '\t\t'), [
    { type: 'complete', again: false },
    { type: 'complete', again: true },
  ]);
  assert.deepEqual(type(e, '\x03'), [{ type: 'interrupt' }]);
});
