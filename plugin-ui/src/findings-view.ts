// The sidebar's "Credentials in flows" section: what the runtime found pasted into the deployed flows, with Show, Move, and the replacement to paste into code.
import type { Finding, FindingsAnswer } from '../../src/shared/contract';
import { editorObject } from './apply-reference';
import { t } from './i18n';

/** What a row offers: Show is for everyone; `move` only when the user may write secrets and edit flows. */
export interface FindingsActions {
  move(finding: Finding): void;
}

/** The tab (or subflow) the node is on, in words. */
export function tabLabel(finding: Finding): string {
  if (finding.z === '') return t('findings.configNode');
  return RED.nodes.workspace(finding.z)?.label ?? RED.nodes.subflow(finding.z)?.name ?? finding.z;
}

/** Whether the finding is in a tab's or subflow's own properties (their environment variables), not in a node. */
function isFlow(finding: Finding): boolean {
  return finding.type === 'tab' || finding.type === 'subflow';
}

/** The node in words: its name, else (a tab, a subflow) the label the editor shows, else its type. */
export function nodeLabel(finding: Finding): string {
  if (finding.name !== '') return finding.name;
  const label = isFlow(finding) ? (RED.nodes.workspace(finding.id)?.label ?? RED.nodes.subflow(finding.id)?.name) : undefined;
  return label || finding.type;
}

/** Why it was flagged, in words (the detector's rule id for a known credential shape). */
function ruleText(finding: Finding): string {
  if ((finding.rule === 'credential-shape' || finding.rule === 'synced-value') && finding.detail) return t(`findings.rule.${finding.rule}-detail`, { detail: finding.detail });
  return t(`findings.rule.${finding.rule}`);
}

/** Shows a node (or config node) as the legacy-node prompt does; a tab or subflow itself is opened. */
function reveal(id: string): void {
  if (RED.nodes.node(id)) RED.view.reveal(id);
  else RED.workspaces.show(id);
}

/** One finding's identity: a node and a property. */
export function findingKey(finding: Pick<Finding, 'id' | 'property'>): string {
  return `${finding.id}\u0000${finding.property}`;
}

/** Lists the findings; hidden while there are none. Every string from the runtime or a node goes in as text. */
export class FindingsView {
  readonly element: JQuery;
  readonly #title: JQuery;
  readonly #list: JQuery;
  readonly #more: JQuery;
  readonly #limited: JQuery;
  #request = 0;
  #answer: FindingsAnswer | undefined;

  constructor(
    private readonly actions: FindingsActions,
    private readonly canMove: boolean,
    /** The replacement code findings show: `env.get('SECRETS.NAME')` with the name proposed or chosen. */
    private readonly replacement: (finding: Finding) => string,
  ) {
    this.element = $('<div class="secret-sync-findings" id="secret-sync-findings">').hide();
    this.#title = $('<div class="secret-sync-section-title" id="secret-sync-findings-title">').appendTo(this.element);
    $('<div class="secret-sync-hint">').text(t('findings.explain')).appendTo(this.element);
    if (!canMove) $('<div class="secret-sync-hint" id="secret-sync-findings-readonly">').text(t('findings.readOnly')).appendTo(this.element);
    this.#list = $('<ul class="secret-sync-findings-list" id="secret-sync-findings-list">').appendTo(this.element);
    this.#more = $('<div class="secret-sync-hint" id="secret-sync-findings-more">').hide().appendTo(this.element);
    this.#limited = $('<div class="secret-sync-hint" id="secret-sync-findings-limited">').text(t('findings.limited')).hide().appendTo(this.element);
  }

  /** The findings of the last answer. */
  get findings(): readonly Finding[] {
    return this.#answer?.findings ?? [];
  }

  /** Asks the runtime for the findings again; an older answer arriving late is dropped. */
  async refresh(fetch: () => Promise<FindingsAnswer>): Promise<void> {
    const request = ++this.#request;
    const answer = await fetch();
    if (request !== this.#request) return;
    this.#answer = answer;
    this.render();
  }

  /** Renders the last answer again (after a name was chosen, or the workspace changed). */
  render(): void {
    const answer = this.#answer;
    if (!answer) return;
    // Nothing found: no section at all, so the keys keep their place in a half-height pane.
    this.element.toggle(answer.count > 0 || answer.limited === true);
    this.#title.text(t('findings.title', { count: answer.count }));
    this.#list.empty().append(answer.findings.map((finding) => this.#row(finding)));
    this.#more.text(t('findings.more', { shown: answer.findings.length, count: answer.count })).toggle(answer.count > answer.findings.length);
    this.#limited.toggle(answer.limited === true);
  }

  #row(finding: Finding): JQuery {
    const inEditor = editorObject(finding.id) !== undefined;
    const li = $('<li class="secret-sync-finding">').attr('data-node', finding.id).attr('data-property', finding.property).attr('data-rule', finding.rule);
    $('<div class="secret-sync-finding-node">')
      .append($('<span class="secret-sync-finding-name">').text(nodeLabel(finding)), ' ', $('<span class="secret-sync-finding-where">').text(inEditor ? (isFlow(finding) ? finding.type : `${finding.type} · ${tabLabel(finding)}`) : `${finding.type} · ${t('findings.unknownTab')}`))
      .appendTo(li);
    const what = $('<div class="secret-sync-finding-what">').append($('<code class="secret-sync-finding-property">').text(finding.property));
    if (finding.line !== undefined) what.append(' ', $('<span class="secret-sync-finding-line">').text(t('findings.line', { line: finding.line })));
    what.append(' ', $('<span class="secret-sync-finding-rule">').text(ruleText(finding))).appendTo(li);
    if (!finding.movable && finding.line !== undefined) li.append(this.#replacementLine(finding, finding.line));
    const tools = $('<div class="secret-sync-finding-tools">').appendTo(li);
    $('<button type="button" class="red-ui-button red-ui-button-small secret-sync-finding-show">')
      .text(t('findings.show'))
      .prop('disabled', !inEditor)
      .on('click', () => reveal(finding.id))
      .appendTo(tools);
    // A read-only user gets no Move at all: the hint above says who can.
    if (this.canMove) {
      $('<button type="button" class="red-ui-button red-ui-button-small secret-sync-finding-move">')
        .text(finding.movable ? t('findings.move') : t('findings.createSecret'))
        .prop('disabled', finding.movable && !inEditor)
        .on('click', () => this.actions.move(finding))
        .appendTo(tools);
    }
    return li;
  }

  /** "Replace the value on line N with: env.get('SECRETS.NAME')" and a copy button: code is never rewritten. */
  #replacementLine(finding: Finding, line: number): JQuery {
    const text = this.replacement(finding);
    const copy: JQuery = $('<button type="button" class="red-ui-button red-ui-button-small secret-sync-copy secret-sync-finding-copy">')
      .attr('aria-label', t('findings.copyReplacement', { text }))
      .attr('title', text)
      .append($('<i class="fa fa-clipboard" aria-hidden="true">'))
      .on('click', () => {
        RED.clipboard.copyText(text, copy, t('findings.copied'));
      });
    return $('<div class="secret-sync-finding-replace">').append(
      $('<span>').text(t('findings.replaceWith', { line })),
      ' ',
      $('<code class="secret-sync-finding-replacement">').text(text),
      ' ',
      copy,
    );
  }
}
