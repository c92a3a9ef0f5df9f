// Editor entry of the Secret Sync plugin: registers with the editor and mounts the "Secrets" sidebar.
import { PLUGIN_ID } from '../../src/shared/contract';
import { Sidebar } from './sidebar';

let sidebar: Sidebar | undefined;

// The id matches the runtime plugin, so the palette manager calls onremove when the package is removed.
RED.plugins.registerPlugin(PLUGIN_ID, {
  onadd: () => {
    sidebar = new Sidebar();
    sidebar.mount();
  },
  onremove: () => {
    sidebar?.destroy();
    sidebar = undefined;
  },
});
