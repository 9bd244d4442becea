import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LessonFormatError, parseLesson, renderLesson } from './lesson.ts';

const SAMPLE = `---
title: "A lesson: with a colon"
lab: 01-sample
---
# Heading

Some *prose*.

::: task start-it
Start **it**:

\`\`\`sh
etcd > etcd.log 2>&1 &
\`\`\`
:::

\`\`\`json
{"a": 1}
\`\`\`

\`\`\`sh no-run
rm -rf /
\`\`\`

\`\`\`md
::: task not-a-task
\`\`\`
`;

test('front matter gives the title and the lab; task ids come in lesson order', () => {
  const l = parseLesson('01-sample', SAMPLE);
  assert.equal(l.meta.title, 'A lesson: with a colon');
  assert.equal(l.meta.lab, '01-sample');
  assert.deepEqual(l.taskIds, ['start-it']);
  assert.ok(l.body.startsWith('# Heading'));
});

test('a task block renders as a card with data-task-id, data-status and the lab title', () => {
  const html = renderLesson(parseLesson('01-sample', SAMPLE), { taskTitles: { 'start-it': 'Start <it>' } });
  assert.match(html, /<section class="task" data-task-id="start-it" data-status="pending">/);
  assert.match(html, /<h3 class="task-title">Start &lt;it&gt;<\/h3>/);
  // The Markdown inside the card is rendered, the code block inside too.
  assert.match(html, /<div class="task-body">\n<p>Start <strong>it<\/strong>:<\/p>/);
  assert.ok(html.indexOf('etcd &gt; etcd.log') > html.indexOf('data-task-id="start-it"'));
  assert.ok(html.indexOf('etcd &gt; etcd.log') < html.indexOf('</section>'));
});

test('shell code blocks get Run and Copy; other blocks only Copy; no-run opts out', () => {
  const html = renderLesson(parseLesson('01-sample', SAMPLE));
  const blocks = html.split('<div class="code-block').slice(1);
  assert.equal(blocks.length, 4);
  assert.match(blocks[0]!, /^ runnable" data-lang="sh">.*data-action="run".*data-action="copy"/s);
  assert.doesNotMatch(blocks[1]!, /data-action="run"/);
  assert.match(blocks[1]!, /data-action="copy"/);
  assert.doesNotMatch(blocks[2]!, /data-action="run"/);
  assert.match(blocks[2]!, /rm -rf \//);
});

test('raw HTML in a lesson is escaped, not injected', () => {
  const html = renderLesson(parseLesson('x', '<script>alert(1)</script>\n'));
  assert.doesNotMatch(html, /<script>/);
});

test('bad front matter and duplicate tasks are errors that name the lesson', () => {
  assert.throws(() => parseLesson('02-bad', '---\ntitle: x\n'), (e: unknown) => e instanceof LessonFormatError && /02-bad: front matter/.test(e.message));
  assert.throws(() => parseLesson('03-bad', '---\nnot a pair\n---\n'), /03-bad: front matter line/);
  assert.throws(() => parseLesson('04-dup', '::: task a\n:::\n::: task a\n:::\n'), /task a appears twice/);
});
