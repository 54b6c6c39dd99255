// Types of `agcupload/hvigor`, the hvigor plugin (hvigor.cjs). Loading it never loads the
// native library; running its task does.

/** The part of hvigor's node object the plugin uses. */
export interface HvigorNodeLike {
  registerTask(task: { name: string; dependencies?: string[]; run: (context?: unknown) => Promise<unknown> }): void;
  /** The module's directory: relative paths are resolved against it (else the working directory). */
  getNodePath?(): string;
}

export interface AgcPublishOptions {
  /** The task's name (default `agcPublish`). */
  taskName?: string;
  /** Tasks that run first (default `['assembleApp']`). */
  dependencies?: string[];
  /** The app id (default AGC_APP_ID). */
  appId?: string;
  /** The signed .app, relative to the module (default AGC_APP_FILE, else build/outputs/default/app-default-signed.app). */
  file?: string;
  /** upload only; publish (default): upload, bind, wait until AGC parsed it; submit: then notes and submit for review. */
  mode?: 'upload' | 'publish' | 'submit';
  /** A site (cn, de, sg, ru) or an https base URL (default AGC_API_BASE, else cn). */
  apiBase?: string;
  /** submit: release notes by language, e.g. { 'en-US': 'Dark mode.' }. */
  notes?: Record<string, string>;
  /** submit: a note to the reviewers, 10 to 300 characters. */
  remark?: string;
  /** Longest wait for AGC to parse the package, in ms (default 15 minutes). */
  timeoutMs?: number;
  /** A store listing folder, relative to the module (default AGC_LISTING_DIR): applied and read
   * back before the package is sent (docs/guide/listing.md). */
  listingDir?: string;
  /** Where progress lines go (default console.log). */
  log?: (line: string) => void;
}

export interface HvigorPlugin {
  pluginId: string;
  apply(node: HvigorNodeLike): void;
}

/** An hvigor plugin registering one task that publishes the module's .app to AppGallery Connect. */
export declare function agcPublishPlugin(options?: AgcPublishOptions): HvigorPlugin;
export declare const PLUGIN_ID: string;
