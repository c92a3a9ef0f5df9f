// The slice of the editor's global `RED` the sidebar uses, typed in one place.

/** Options of `RED.sidebar.addTab`. */
export interface SidebarTabOptions {
  id: string;
  label: string;
  name: string;
  iconClass: string;
  content: JQuery;
  toolbar?: JQuery;
  enableOnEdit: boolean;
  action?: string;
  onchange?: () => void;
}

/** An editor notification handle. */
export interface Notification {
  close(): void;
}

/** Options of a notification (see notify.ts, the one caller of `RED.notify`). */
export interface NotifyOptions {
  type?: 'success' | 'error' | 'warning' | 'compact';
  timeout?: number;
  fixed?: boolean;
  id?: string;
  buttons?: { text: string; class?: string; click: () => void }[];
}

/** A node in the editor's workspace. */
export interface EditorNode {
  id: string;
  type: string;
  name?: string;
  z: string;
  g?: string;
  x?: number;
  /** Undeployed edits; the history's `edit` event restores it on undo. */
  changed?: boolean;
  /** Redraw on the next view update. */
  dirty?: boolean;
  /** The node's type definition; `credentials` names its credential fields and their types. */
  _def?: { category?: string; credentials?: Record<string, { type?: string }> };
  /**
   * Credentials as the editor holds them, loaded when a node is first edited:
   * a password's value is never sent, only `has_<name>`; `_` is the copy loaded
   * from the runtime, which export compares against (README, "Move existing credentials").
   */
  credentials?: Record<string, unknown> & { _?: Record<string, unknown> };
}

/** A wire between two nodes. */
export interface EditorLink {
  source: EditorNode;
  target: EditorNode;
  sourcePort: number;
}

/** The editor API used by the sidebar. */
export interface RedEditor {
  /** The editor's event bus; `nodes:add` passes the node added. */
  events: { on(event: string, handler: (data?: unknown) => void): void; off(event: string, handler: (data?: unknown) => void): void; emit(event: string, data?: unknown): void };
  nodes: {
    /** The node (flow or config node) with this id, if the workspace has it. */
    node(id: string): EditorNode | undefined;
    filterNodes(filter: { type?: string; z?: string }): EditorNode[];
    workspace(id: string): { id: string; label?: string; locked?: boolean } | undefined;
    subflow(id: string): { id: string; name?: string; locked?: boolean } | undefined;
    detachNodes(nodes: EditorNode[]): { newLinks: EditorLink[]; removedLinks: EditorLink[] };
    remove(id: string): { nodes: EditorNode[]; links: EditorLink[] };
    group(id: string): { nodes: EditorNode[] } | undefined;
    dirty(): boolean;
    dirty(value: boolean): void;
  };
  history: { push(event: Record<string, unknown>): void };
  /** Tabs and subflows: `show` opens one. */
  workspaces: { show(id: string): void };
  view: { reveal(id: string): void; select(selection: { nodes: EditorNode[] }): void; redraw(updateActive?: boolean): void };
  group?: { markDirty(group: unknown): void };
  _(key: string, params?: Record<string, unknown>): string;
  sidebar: {
    addTab(options: SidebarTabOptions): void;
    removeTab(id: string): void;
    show(id: string): void;
  };
  actions: { add(name: string, handler: () => void, options?: { label?: string }): void; remove(name: string): void };
  comms: {
    subscribe(topic: string, handler: (topic: string, data: unknown) => void): void;
    unsubscribe(topic: string, handler: (topic: string, data: unknown) => void): void;
  };
  /**
   * Typed to take an element only: a string message is set as `innerHTML`.
   * Call `notify()` of notify.ts, which makes the element from plain text.
   */
  notify(message: JQuery, options?: NotifyOptions): Notification;
  plugins: { registerPlugin(id: string, definition: { onadd?: () => void; onremove?: () => void }): void };
  user: { hasPermission(permission: string): boolean };
  clipboard: { copyText(value: string, element?: JQuery, message?: string): boolean };
}

/** Options of jQuery UI's dialog, which the editor loads (its own dialogs use it). */
export interface DialogOptions {
  /** Set with `.text()` by jQuery UI. */
  title: string;
  modal: boolean;
  width: number;
  autoOpen?: boolean;
  resizable?: boolean;
  classes?: Record<string, string>;
  /** Labels are set as HTML by jQuery UI's button: catalog text only. */
  buttons: { text: string; id?: string; class?: string; click: () => void }[];
  open?: () => void;
  close?: () => void;
}

declare global {
  // The editor defines RED on window before plugins load.
  const RED: RedEditor;
  interface JQuery {
    dialog(options: DialogOptions): this;
    dialog(method: 'close' | 'destroy'): this;
  }
}
