/** Renderers of a plan file: pure functions of the plan alone (no snapshots, no network, no clock). */
export { renderText } from './text.js';
export { renderMarkdown, GITHUB_COMMENT_LIMIT, type MarkdownOptions } from './markdown.js';
export { renderJson } from './json.js';
