export { setup as default } from './temp.js';
