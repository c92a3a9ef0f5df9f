// The HTML-sink lint rules bite: a string reaching innerHTML, RED.notify, jQuery's .html()/$()/.append() in the editor, the nodes' HTML or the console fails `npm run lint`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../helpers/node-red';

const SINK_RULES = new Set(['no-unsanitized/method', 'no-unsanitized/property', 'html-sinks/jquery-string-insert', 'no-restricted-properties']);

/** `rule@line` of every HTML-sink finding when `text` stands in for `file`. */
async function sinks(file: string, text: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintText(text, { filePath: join(REPO_ROOT, file) });
  const fatal = (result?.messages ?? []).filter((m) => m.fatal);
  assert.deepEqual(fatal, [], 'the probe parses');
  return (result?.messages ?? [])
    .filter((m) => m.ruleId !== null && SINK_RULES.has(m.ruleId))
    .map((m) => `${m.ruleId}@${m.line}`)
    .sort((a, b) => Number(a.split('@')[1]) - Number(b.split('@')[1]) || a.localeCompare(b));
}

const EDITOR_PROBE = [
  'declare const name: string;',
  'declare const cell: JQuery;',
  'declare const value: JQuery | string;',
  'RED.notify(name as never);',
  "RED.notify($('<p>').text(name));",
  'cell.html(name);',
  '$(name);',
  'cell.append(value);',
  "cell.append([name], ' ');",
  'document.body.innerHTML = name;',
  "cell.append($('<b>').text(name), ' ', [$('<i>')]).text(name).attr('title', name);",
  "$('<p class=\"x\">').appendTo(cell);",
  'export {};',
  '',
].join('\n');

describe('lint: HTML sinks', function () {
  this.timeout(60_000);

  it('fails every unescaped sink in the editor code, RED.notify outside notify.ts included', async () => {
    assert.deepEqual(await sinks('plugin-ui/src/sidebar.ts', EDITOR_PROBE), [
      'no-restricted-properties@4',
      'no-unsanitized/method@4',
      'no-restricted-properties@5',
      'no-unsanitized/method@5',
      'no-unsanitized/method@6',
      'no-unsanitized/method@7',
      'html-sinks/jquery-string-insert@8',
      'html-sinks/jquery-string-insert@9',
      'no-unsanitized/property@10',
    ]);
  });

  it('lets notify.ts call RED.notify with plainText() only', async () => {
    const probe = ['declare const name: string;', 'declare function plainText(text: string): JQuery;', 'RED.notify(plainText(name));', 'RED.notify(name as never);', 'export {};', ''].join('\n');
    assert.deepEqual(await sinks('plugin-ui/src/notify.ts', probe), ['no-unsanitized/method@4']);
  });

  it('fails innerHTML, insertAdjacentHTML and document.write in the console, and lets DOM text through', async () => {
    const probe = [
      'declare const name: string;',
      'document.body.innerHTML = name;',
      "document.body.insertAdjacentHTML('beforeend', name);",
      'document.write(name);',
      'document.body.append(name);',
      'document.body.textContent = name;',
      'export {};',
      '',
    ].join('\n');
    assert.deepEqual(await sinks('src/manager/console/src/dom.ts', probe), ['no-unsanitized/property@2', 'no-unsanitized/method@3', 'no-unsanitized/method@4']);
  });

  it("fails RED.notify, .html() and $() with a variable in a node's editor HTML", async () => {
    const probe = ['<script type="text/javascript">', 'var name = RED.nodes.node("n").name;', 'RED.notify(name);', '$("#x").html(name);', '$(name);', '$("#x").text(name);', '</script>', ''].join('\n');
    assert.deepEqual(await sinks('nodes/secret-manager.html', probe), ['no-unsanitized/method@3', 'no-unsanitized/method@4', 'no-unsanitized/method@5']);
  });
});
