/** Types of browser-flags.mjs (plain JavaScript so that Node scripts can import it too). */
export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];
