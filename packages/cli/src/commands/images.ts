import type { Command } from 'commander';
import { registerArchiveCommands } from './image-archive.js';
import { registerImageStoreCommands } from './image-store.js';
import { registerTransferCommands } from './image-transfer.js';
import { registerLoginCommands } from './registry-login.js';

/**
 * Adds the image commands: `pull`, `push`, `images`, `tag`, `rmi`, `save`,
 * `load`, `prune`, `login` and `logout`.
 */
export function registerImageCommands(program: Command): void {
  registerTransferCommands(program);
  registerImageStoreCommands(program);
  registerArchiveCommands(program);
  registerLoginCommands(program);
}
