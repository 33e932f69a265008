// A line diff by longest common subsequence, shown with a few lines of context around each change.

import { el } from './dom.js';

const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

/**
 * The edit from a to b (arrays of lines) as [{op: ' '|'-'|'+', line, a, b}] (a and b: 1-based line numbers, or null).
 * The common head and tail are taken off first; a middle too large for the table (more than MAX_CELLS) is shown as
 * all removed then all added.
 */
export function diffLines(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out = [];
  for (let i = 0; i < start; i++) {
    out.push({ op: ' ', line: a[i], a: i + 1, b: i + 1 });
  }
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) {
      out.push({ op: '-', line: a[i], a: i + 1, b: null });
    }
    for (let j = start; j < endB; j++) {
      out.push({ op: '+', line: b[j], a: null, b: j + 1 });
    }
  } else {
    // lcs[i][j]: length of the LCS of a[start+i..endA) and b[start+j..endB), in one flat array.
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] = a[start + i] === b[start + j]
          ? lcs[(i + 1) * width + j + 1] + 1
          : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        out.push({ op: ' ', line: a[start + i], a: start + i + 1, b: start + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])) {
        // Removals before additions where either keeps the subsequence, as diff -u shows them.
        out.push({ op: '-', line: a[start + i], a: start + i + 1, b: null });
        i++;
      } else {
        out.push({ op: '+', line: b[start + j], a: null, b: start + j + 1 });
        j++;
      }
    }
  }
  for (let i = endA, j = endB; i < a.length; i++, j++) {
    out.push({ op: ' ', line: a[i], a: i + 1, b: j + 1 });
  }
  return out;
}

/** Splits a text into lines (a final line feed makes no empty last line). */
export function lines(text) {
  const all = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  if (all.length > 1 && all[all.length - 1] === '') {
    all.pop();
  }
  return all;
}

/**
 * The diff as a table: old and new line numbers, the sign (+, - or space: never colour alone) and the line. Runs of
 * unchanged lines longer than twice the context are folded into one row saying how many.
 */
export function diffView(oldText, newText, { oldLabel = 'old', newLabel = 'new' } = {}) {
  const edits = diffLines(lines(oldText), lines(newText));
  const added = edits.filter(e => e.op === '+').length;
  const removed = edits.filter(e => e.op === '-').length;
  const summary = el('p', { class: 'diff-summary', 'data-test': 'diff-summary' },
    added === 0 && removed === 0 ? `No difference between ${oldLabel} and ${newLabel}.`
      : `${removed} line${removed === 1 ? '' : 's'} removed, ${added} added (${oldLabel} → ${newLabel}).`);
  const body = el('tbody');
  const changed = edits.map(e => e.op !== ' ');
  let k = 0;
  while (k < edits.length) {
    if (changed[k]) {
      body.append(row(edits[k]));
      k++;
      continue;
    }
    let end = k;
    while (end < edits.length && !changed[end]) {
      end++;
    }
    const keepHead = k === 0 ? 0 : CONTEXT;
    const keepTail = end === edits.length ? 0 : CONTEXT;
    if (end - k > keepHead + keepTail + 1) {
      for (let x = k; x < k + keepHead; x++) {
        body.append(row(edits[x]));
      }
      const folded = end - k - keepHead - keepTail;
      body.append(el('tr', { class: 'diff-fold' },
        el('td', { colspan: '4' }, `… ${folded} unchanged line${folded === 1 ? '' : 's'}`)));
      for (let x = end - keepTail; x < end; x++) {
        body.append(row(edits[x]));
      }
    } else {
      for (let x = k; x < end; x++) {
        body.append(row(edits[x]));
      }
    }
    k = end;
  }
  return el('div', { class: 'diff', 'data-test': 'diff' }, summary,
    el('table', { class: 'diff-table' },
      el('thead', { class: 'visually-hidden' }, el('tr', null,
        el('th', { scope: 'col' }, oldLabel + ' line'), el('th', { scope: 'col' }, newLabel + ' line'),
        el('th', { scope: 'col' }, 'change'), el('th', { scope: 'col' }, 'text'))),
      body));
}

function row(edit) {
  const kind = edit.op === '+' ? 'diff-add' : edit.op === '-' ? 'diff-del' : 'diff-same';
  return el('tr', { class: kind },
    el('td', { class: 'diff-num' }, edit.a === null ? '' : String(edit.a)),
    el('td', { class: 'diff-num' }, edit.b === null ? '' : String(edit.b)),
    el('td', { class: 'diff-op' }, edit.op === ' ' ? '' : edit.op),
    el('td', { class: 'diff-line' }, el('code', null, edit.line)));
}
