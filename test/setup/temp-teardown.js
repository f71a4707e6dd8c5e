export { teardown as default } from './temp.js';
