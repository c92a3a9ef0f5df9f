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

/** The editor API used by the sidebar. */
export interface RedEditor {
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
  notify(message: string, options?: { type?: 'success' | 'error' | 'warning' | 'compact'; timeout?: number }): Notification;
  plugins: { registerPlugin(id: string, definition: { onadd?: () => void; onremove?: () => void }): void };
  user: { hasPermission(permission: string): boolean };
  clipboard: { copyText(value: string, element?: JQuery, message?: string): boolean };
  popover: { tooltip(target: JQuery, content: string | (() => string), action?: string): { delete(): void } };
  settings: { apiRootUrl?: string };
}

declare global {
  // The editor defines RED on window before plugins load.
  const RED: RedEditor;
}
