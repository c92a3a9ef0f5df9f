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
  events: { on(event: string, handler: (data?: unknown) => void): void; off(event: string, handler: (data?: unknown) => void): void };
  nodes: {
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

declare global {
  // The editor defines RED on window before plugins load.
  const RED: RedEditor;
}
